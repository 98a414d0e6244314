/**
 * SFTP servers that misbehave, in the test's process on a loopback port: ssh2's `Server` does the
 * SSH side (host key, any user key accepted), and the `sftp` subsystem is answered by hand on the
 * raw channel — the version, a folder listing its files, their attributes — then either
 * (`startMalformedSftpServer`) an open and a first read served and, at the second read, a DATA
 * packet without its data, which an SFTP client cannot parse; or (`startFailingStorageSftpServer`)
 * FAILURE (status 4) on every open, as a server answers when its own storage fails.
 */
import type { AddressInfo } from 'node:net';
import ssh2, { type ServerChannel } from 'ssh2';
import { ed25519KeyPair } from './ssh-keys.js';

export interface HandWrittenSftpServer {
  readonly port: number;
  /** A known_hosts line holding the server's host key. */
  readonly knownHosts: string;
  /** A private key the server accepts (any is). */
  readonly privateKey: string;
  stop(): Promise<void>;
}

export interface MalformedSftpServer extends HandWrittenSftpServer {
  /** The one file the folder lists. */
  readonly fileName: string;
  /** How many malformed packets the server has sent. */
  malformedSent(): number;
}

const VERSION = 2;
const STATUS = 101;
const HANDLE = 102;
const DATA = 103;
const NAME = 104;
const ATTRS = 105;
const REQUEST = { init: 1, open: 3, close: 4, read: 5, fstat: 8, opendir: 11, readdir: 12, stat: 17 } as const;
const STATUS_OK = 0;
const STATUS_EOF = 1;
const STATUS_FAILURE = 4;
const SIZE = 64 * 1024;

const uint32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const uint64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const text = (value: string | Buffer) => {
  const b = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([uint32(b.length), b]);
};
const packet = (type: number, ...parts: Buffer[]) => {
  const body = Buffer.concat([Buffer.from([type]), ...parts]);
  return Buffer.concat([uint32(body.length), body]);
};

/** Size, permissions (a regular file) and times. */
function attrs(mtime: number): Buffer {
  return Buffer.concat([uint32(0x1 | 0x4 | 0x8), uint64(SIZE), uint32(0o100644), uint32(mtime), uint32(mtime)]);
}

/** How the server answers opens: served, then a malformed packet at the second read; or FAILURE. */
type Misbehaviour = { readonly malformed: () => void } | 'failing-opens';

/** Answers the client's SFTP requests on `channel`, listing `fileNames`, misbehaving as told. */
function serveSftp(channel: ServerChannel, fileNames: readonly string[], misbehaviour: Misbehaviour): void {
  const mtime = Math.floor(Date.now() / 1000) - 3600;
  let buffered = Buffer.alloc(0);
  let listed = false;
  let reads = 0;
  const reply = (type: number, id: number, ...parts: Buffer[]) => channel.write(packet(type, uint32(id), ...parts));
  const status = (id: number, code: number, message = '') => reply(STATUS, id, uint32(code), text(message), text(''));
  const answer = (type: number, id: number) => {
    if (type === REQUEST.open && misbehaviour === 'failing-opens') status(id, STATUS_FAILURE, 'Failure');
    else if (type === REQUEST.opendir || type === REQUEST.open) reply(HANDLE, id, text('h'));
    else if (type === REQUEST.readdir && !listed) {
      listed = true;
      const names = fileNames.map((name) => Buffer.concat([text(name), text(name), attrs(mtime)]));
      reply(NAME, id, uint32(fileNames.length), ...names);
    } else if (type === REQUEST.readdir) status(id, STATUS_EOF);
    else if (type === REQUEST.fstat || type === REQUEST.stat) reply(ATTRS, id, attrs(mtime));
    else if (type === REQUEST.read && reads++ === 0) reply(DATA, id, text(Buffer.alloc(32 * 1024, 7)));
    else if (type === REQUEST.read && misbehaviour !== 'failing-opens') {
      misbehaviour.malformed();
      reply(DATA, id);
    } else status(id, STATUS_OK);
  };
  channel.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
      const length = buffered.readUInt32BE(0);
      const type = buffered[4] ?? 0;
      if (type === REQUEST.init) channel.write(packet(VERSION, uint32(3)));
      else answer(type, buffered.readUInt32BE(5));
      buffered = buffered.subarray(4 + length);
    }
  });
}

/** Starts the server; its folder lists `fileName` alone. */
export async function startMalformedSftpServer(fileName: string): Promise<MalformedSftpServer> {
  let sent = 0;
  const started = await startHandWrittenServer([fileName], { malformed: () => (sent += 1) });
  return { ...started, fileName, malformedSent: () => sent };
}

/** Starts a server whose folder lists `fileNames` and which answers FAILURE to every open. */
export function startFailingStorageSftpServer(fileNames: readonly string[]): Promise<HandWrittenSftpServer> {
  return startHandWrittenServer(fileNames, 'failing-opens');
}

async function startHandWrittenServer(
  fileNames: readonly string[],
  misbehaviour: Misbehaviour,
): Promise<HandWrittenSftpServer> {
  const host = ed25519KeyPair();
  const user = ed25519KeyPair();
  const server = new ssh2.Server({ hostKeys: [host.private] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (context) => context.accept());
    client.on('ready', () =>
      client.on('session', (accept) =>
        accept().on('subsystem', (open, _reject, info) => {
          const channel = open();
          if (info.name === 'sftp') serveSftp(channel, fileNames, misbehaviour);
        }),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const publicLine = host.public.trim().split(/\s+/).slice(0, 2).join(' ');
  return {
    port,
    knownHosts: `[127.0.0.1]:${port} ${publicLine}\n`,
    privateKey: user.private,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
