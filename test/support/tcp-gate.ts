/**
 * A loopback TCP proxy a test can close like a gate: held bytes wait, nothing is dropped; and a
 * server that accepts connections and never says a word.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpGate {
  /** `127.0.0.1:{port}`: connect here instead of the target. */
  readonly address: string;
  /** Holds every byte sent towards the target from now on. */
  hold(): void;
  /** Lets held and further bytes through. */
  release(): void;
  /** Bytes that arrived from clients while the gate was held. */
  heldBytes(): number;
  /** Stops passing bytes back to clients once `bytes` have passed that way: a transfer stalls mid-way, for good (those bytes are dropped). */
  holdDownstreamAfter(bytes: number): void;
  /** Whether bytes towards clients are stopped. */
  downstreamHeld(): boolean;
  /** Lets bytes towards clients pass again, from now on (those dropped stay lost). */
  releaseDownstream(): void;
  /** Cuts every connection under way, as a network fault would; new ones still pass. */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpGate(target: { readonly host: string; readonly port: number }): Promise<TcpGate> {
  const sockets = new Set<Socket>();
  const waiting: Array<() => void> = [];
  let held = false;
  let heldBytes = 0;
  let downstreamBudget = Number.POSITIVE_INFINITY;
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('data', (chunk: Buffer) => {
      if (!held) {
        upstream.write(chunk);
        return;
      }
      heldBytes += chunk.length;
      waiting.push(() => upstream.write(chunk));
    });
    upstream.on('data', (chunk: Buffer) => {
      if (downstreamBudget <= 0) return;
      downstreamBudget -= chunk.length;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    hold: () => void (held = true),
    release() {
      held = false;
      for (const send of waiting.splice(0)) send();
    },
    heldBytes: () => heldBytes,
    holdDownstreamAfter: (bytes) => void (downstreamBudget = bytes),
    downstreamHeld: () => downstreamBudget <= 0,
    releaseDownstream: () => void (downstreamBudget = Number.POSITIVE_INFINITY),
    cut() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SilentServer {
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/** A loopback server that accepts every connection and sends nothing, ever (a host that does not speak SSH). */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
