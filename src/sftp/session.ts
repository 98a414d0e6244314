/**
 * One SFTP connection to a dataset's server (the `ssh2` library): the host key checked against
 * known_hosts before anything is sent, then the remote folder listed, files fetched to local paths
 * and, when configured, removed. Failures come out classified (`SftpError`): a refused host key
 * or refused credentials are final, anything else (unreachable, a connection cut, a timeout) may
 * heal on a retry.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, type ConnectConfig, type FileEntryWithStats, type SFTPWrapper, type Stats } from 'ssh2';
import { sftpPrefix } from '../config/sftp.js';
import type { Given, SftpSourceConfig } from '../config/index.js';
import { fingerprint, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';

/** How an SFTP failure may be retried: `host-key` and `auth` never heal by retrying. */
export type SftpFailureKind = 'host-key' | 'auth' | 'transient';

export class SftpError extends Error {
  override readonly name = 'SftpError';
  constructor(
    readonly kind: SftpFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A regular file of the remote folder; `mtime` in whole seconds, as SFTP gives it. */
export interface RemoteFile {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
}

export interface SftpSession {
  /** The regular files of the configured folder whose name matches the pattern, by name. */
  list(): Promise<RemoteFile[]>;
  /** Fetches `name` to `local`; returns its size and time on the server once fetched. */
  download(name: string, local: string): Promise<RemoteFile>;
  remove(name: string): Promise<void>;
  close(): void;
}

async function read(given: Given): Promise<string> {
  return 'value' in given ? given.value : readFile(given.file, 'utf8');
}

/** Where the server is, for messages. */
const where = (source: SftpSourceConfig) => `${source.user}@${source.host}:${source.port}`;

function refusal(source: SftpSourceConfig, verdict: HostKeyVerdict, key: Buffer): SftpError {
  const said =
    verdict.accepted === false && verdict.reason === 'changed'
      ? `the host key of ${source.host}:${source.port} changed: the server presented ${fingerprint(key)}, which no known_hosts line of this host holds. ` +
        'Refusing to connect: it may be a man-in-the-middle; if the provider replaced its key, check the new fingerprint with them, then update'
      : verdict.accepted === false && verdict.reason === 'revoked'
        ? `the host key of ${source.host}:${source.port} (${fingerprint(key)}) is marked @revoked: refusing to connect; see`
        : `${source.host}:${source.port} is not in known_hosts (it presented ${fingerprint(key)}): refusing to connect; add its key (ssh-keyscan, checked with the provider) to`;
  return new SftpError('host-key', `${said} ${sftpPrefix(source.dataset)}_KNOWN_HOSTS`);
}

function classify(source: SftpSourceConfig, error: unknown): SftpError {
  if (error instanceof SftpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/authentication methods failed/i.test(message))
    return new SftpError('auth', `${where(source)} refused the credentials: ${message}`, { cause: error });
  return new SftpError('transient', `SFTP ${where(source)}: ${message}`, { cause: error });
}

const call = <T>(source: SftpSourceConfig, run: (done: (error: Error | undefined | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) =>
    run((error, value) => (error ? reject(classify(source, error)) : resolve(value))),
  );

/** Names in code-point order, as DynamoDB sorts them too. */
export const byName = (a: { readonly name: string }, b: { readonly name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

function remoteFile(name: string, attrs: Pick<Stats, 'size' | 'mtime'>): RemoteFile {
  return { name, size: attrs.size, mtime: new Date(attrs.mtime * 1000) };
}

/** Connects to `source`'s server; the host key is checked first. Throws SftpError. */
export async function openSftp(source: SftpSourceConfig, timeoutMs: number): Promise<SftpSession> {
  const knownHosts = await read(source.knownHosts);
  const secret = await read('privateKey' in source.auth ? source.auth.privateKey : source.auth.password);
  let refused: SftpError | null = null;
  const client = new Client();
  const config: ConnectConfig = {
    host: source.host,
    port: source.port,
    username: source.user,
    ...('privateKey' in source.auth ? { privateKey: secret } : { password: secret }),
    readyTimeout: timeoutMs,
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(knownHosts, source.host, source.port, key);
      if (!verdict.accepted) refused = refusal(source, verdict, key);
      return verdict.accepted;
    },
  };
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client.once('error', (error) => reject(classify(source, refused ?? error)));
    // A connection closed before it is ready, without an error of its own (a rejection after ready is no-op).
    client.once('close', () =>
      reject(refused ?? new SftpError('transient', `SFTP ${where(source)}: the connection closed before it was ready`)),
    );
    client.once('ready', () =>
      client.sftp((error, wrapper) => (error ? reject(classify(source, error)) : resolve(wrapper))),
    );
    client.connect(config);
  }).catch((error: unknown) => {
    client.end();
    throw error;
  });
  // A connection lost later fails the operation under way; errors are not thrown from the emitter.
  client.on('error', () => {});
  const remote = (name: string) => path.posix.join(source.remoteDir, name);
  const matching = new RegExp(source.pattern);
  return {
    async list() {
      const entries = await call<FileEntryWithStats[]>(source, (done) => sftp.readdir(source.remoteDir, done));
      return entries
        .filter((e) => e.attrs.isFile() && matching.test(e.filename))
        .map((e) => remoteFile(e.filename, e.attrs))
        .sort(byName);
    },
    async download(name, local) {
      await call<void>(source, (done) =>
        sftp.fastGet(remote(name), local, { concurrency: 8 }, (e) => done(e, undefined)),
      );
      return remoteFile(name, await call<Stats>(source, (done) => sftp.stat(remote(name), done)));
    },
    async remove(name) {
      await call<void>(source, (done) => sftp.unlink(remote(name), (e) => done(e, undefined)));
    },
    close: () => client.end(),
  };
}
