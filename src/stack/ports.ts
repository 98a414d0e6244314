/** Loopback ports: find a free one, probe one, wait for one to answer. */
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound } from '../storage/atomic-file.js';

/** Where Linux says the ports it hands out start (`ip_local_port_range`). */
const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** The lowest port drawn for a server, above the well-known and most registered ones. */
export const DRAWN_PORTS_FROM = 15_000;

/** Ports drawn before falling back to one the system hands out. */
const DRAWS = 20;

let ephemeralFirst: Promise<number | null> | undefined;

/**
 * The first port the system hands out (to port 0 and to connections out), or null where unknown (a
 * system without that file); read once a process.
 */
export function ephemeralPortsFrom(): Promise<number | null> {
  ephemeralFirst ??= readFile(EPHEMERAL_RANGE_FILE, 'utf8').then(
    (text) => {
      const first = Number(text.trim().split(/\s+/)[0]);
      return Number.isInteger(first) && first > 0 ? first : null;
    },
    (error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    },
  );
  return ephemeralFirst;
}

/**
 * A port a server may listen on at `host`: drawn at random below the ports the system hands out,
 * so that no process asking it for one (port 0: the Temporal dev server's own services, another
 * test's listener) nor any connection out is given it between this check and the server's bind.
 * Where that range is unknown, or no draw is free, the port the system hands out.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const ephemeral = await ephemeralPortsFrom();
  if (ephemeral !== null && ephemeral > DRAWN_PORTS_FROM + DRAWS)
    for (let draw = 0; draw < DRAWS; draw += 1) {
      const port = randomInt(DRAWN_PORTS_FROM, ephemeral);
      if (await canListen(host, port)) return port;
    }
  return systemPort(host);
}

/** The port the system hands out to a listener asking for any. */
async function systemPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** True when a server may listen on host:port now: nothing listens there and no socket holds it. */
export async function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
export async function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until host:port answers; fails early when `alive()` says the server process has exited. */
export async function waitForPort(
  host: string,
  port: number,
  options: { timeoutMs: number; what: string; alive?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(host, port)) return;
    if (options.alive && !options.alive())
      throw new Error(`${options.what} exited before listening on ${host}:${port}`);
    await sleep(100);
  }
  throw new Error(`${options.what} did not listen on ${host}:${port} within ${options.timeoutMs} ms`);
}

/** Splits `host:port`. */
export function splitHostPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  return { host: address.slice(0, index).replace(/^\[|\]$/g, ''), port: Number(address.slice(index + 1)) };
}
