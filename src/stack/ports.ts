/** Loopback ports: find a free one, probe one, wait for one to answer. */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(host = '127.0.0.1'): Promise<number> {
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
