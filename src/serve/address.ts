/** Where `courant serve` listens: `host:port`, and whether that host is loopback only. */
import { isIP } from 'node:net';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

/** Parses `host:port` (`[::1]:8080` for IPv6); null when it is not one. */
export function parseListenAddress(value: string): ListenAddress | null {
  const match = HOST_PORT.exec(value);
  if (!match) return null;
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65535 || (match[1] !== undefined && isIP(host) !== 6)) return null;
  return { host, port };
}

/** True for addresses no other machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
