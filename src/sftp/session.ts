/**
 * One SFTP connection to a dataset's server (the `ssh2` library): the host key checked against
 * known_hosts before anything is sent, then the remote folder listed, files fetched to local paths
 * and, when configured, removed. Failures come out classified (`SftpError`): a refused host key,
 * refused credentials or a configuration fault (a secret file unreadable, the remote folder
 * missing) are final; anything else (unreachable, a connection cut or silent, a timeout) may heal
 * on a retry. No event of the connection is ever left without a listener (the client's and the
 * SFTP channel's `error` and `close`; no stream is opened: `fastGet` reads by requests): nothing a
 * server does can end the process.
 */
import path from 'node:path';
import { Client, type ConnectConfig, type FileEntryWithStats, type SFTPWrapper, type Stats } from 'ssh2';
import { DEFAULT_STALL_SECONDS, sftpPrefix } from '../config/sftp.js';
import type { SftpSourceConfig } from '../config/index.js';
import { SftpError } from './errors.js';
import { fingerprint, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';
import { readSftpSecrets } from './secrets.js';

export { SftpError } from './errors.js';
/**
 * An entry of the remote folder; `mtime` in whole seconds, as SFTP gives it. `type`, for an entry
 * that is not a regular file: a folder, a symbolic link (its target's size and time when it has
 * one, else the link's own), a FIFO, a socket or a device (never read: a FIFO's read would wait
 * for a writer).
 */
export interface RemoteFile {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
  readonly type?: 'folder' | 'link' | SpecialEntry;
}

/** Entries that are neither a file, a folder nor a link: named, never read. */
type SpecialEntry = 'fifo' | 'socket' | 'device';

export interface SftpSession {
  /**
   * The entries of the configured folder whose name matches the pattern, by name, whatever their
   * type: an entry that is not a regular file is listed so that its failure to be fetched is seen,
   * not silently passed over.
   */
  list(): Promise<RemoteFile[]>;
  /**
   * Fetches the listed `file` to `local`; returns its size and time on the server once fetched. A
   * status the server answers on this file (no such file, permission denied, failure) fails as
   * `file`, naming what the entry is; a FIFO, a socket or a device fails so at once, unread.
   */
  download(file: RemoteFile, local: string): Promise<RemoteFile>;
  remove(name: string): Promise<void>;
  close(): void;
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

/** Socket errors by which a connection cut under way shows, whichever the socket reports before its close. */
const CUT_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED']);

const socketCut = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && CUT_CODES.has(String((error as { code: unknown }).code));

/** ssh2's mark on an error of the SFTP channel's protocol: a packet it could not parse, or not the one due. */
const protocolBroken = (error: unknown): boolean =>
  error instanceof Error && 'level' in error && (error as { level: unknown }).level === 'sftp-protocol';

/** An SFTP failure as its kind: a refused login, a cut connection or another transient fault. */
export function classify(source: SftpSourceConfig, error: unknown): SftpError {
  if (error instanceof SftpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/authentication methods failed/i.test(message))
    return new SftpError('auth', `${where(source)} refused the credentials: ${message}`, { cause: error });
  if (socketCut(error))
    return new SftpError('transient', `SFTP ${where(source)}: the connection closed (${message})`, { cause: error });
  if (protocolBroken(error))
    return new SftpError('transient', `SFTP ${where(source)}: the server broke the SFTP protocol (${message})`, {
      cause: error,
    });
  return new SftpError('transient', `SFTP ${where(source)}: ${message}`, { cause: error });
}

/**
 * The remote folder does not exist: a fault of `{NAME}_SFTP_DIR` (or of the server's layout), not
 * retried within the pickup; the next scheduled pickup looks again, so a folder that appears later
 * is still read.
 */
function missingFolder(source: SftpSourceConfig, error: Error): SftpError {
  return new SftpError(
    'config',
    `${sftpPrefix(source.dataset)}_DIR: no folder ${source.remoteDir} on ${where(source)} (${error.message})`,
    { cause: error },
  );
}

/** Names in code-point order, as DynamoDB sorts them too. */
export const byName = (a: { readonly name: string }, b: { readonly name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

function remoteFile(name: string, attrs: Pick<Stats, 'size' | 'mtime'>, type?: RemoteFile['type']): RemoteFile {
  return { name, size: attrs.size, mtime: new Date(attrs.mtime * 1000), ...(type ? { type } : {}) };
}

/** ssh2's status of an SFTP request on a path that does not exist. */
const NO_SUCH_FILE = 2;
/**
 * The statuses a server answers about the file asked for, the connection sound: no such file (a
 * link to nothing, a file removed meanwhile), permission denied, failure (a folder read as a file).
 */
const FILE_STATUSES = new Set([NO_SUCH_FILE, 3, 4]);

const statusOf = (error: Error | undefined | null): number | null =>
  error && 'code' in error && typeof error.code === 'number' ? error.code : null;

const isFileStatus = (error: Error | undefined | null): error is Error => {
  const status = statusOf(error);
  return status !== null && FILE_STATUSES.has(status);
};

const isMissing = (error: Error | undefined): error is Error => error !== undefined && statusOf(error) === NO_SUCH_FILE;

const ENTRY_TYPES = {
  folder: 'a folder, not a file',
  link: 'a symbolic link',
  fifo: 'a FIFO (named pipe), not a file',
  socket: 'a socket, not a file',
  device: 'a device, not a file',
} as const;

/** The status of a server's fault on a file (`fileFault`), when the server answered one. */
export function statusOfFileFault(error: SftpError): number | null {
  return error.kind === 'file' && error.cause instanceof Error ? statusOf(error.cause) : null;
}

/** What a listed entry is, from its attributes: undefined for a regular file. */
function entryType(attrs: Stats): RemoteFile['type'] {
  if (attrs.isFile()) return undefined;
  if (attrs.isDirectory()) return 'folder';
  if (attrs.isSymbolicLink()) return 'link';
  if (attrs.isFIFO()) return 'fifo';
  if (attrs.isSocket()) return 'socket';
  return 'device';
}

/** A status the server answered on `file`: that file's fault, named with what the entry is. */
function fileFault(file: RemoteFile, error: Error | undefined | null) {
  if (!isFileStatus(error)) return error;
  const entry = file.type ? `${ENTRY_TYPES[file.type]}: ` : '';
  return new SftpError('file', `${entry}${error.message} (SFTP status ${statusOf(error)})`, { cause: error });
}

type Done<T> = (error: Error | undefined | null, value: T) => void;

/**
 * The operations under way on one connection. Each fails when the connection is lost (an error or
 * a close: ssh2 never calls some operations back then, `fastGet` among them) or when it receives
 * nothing for `stallMs`: the connection is then cut, failing the others too.
 */
function operations(client: Client, source: SftpSourceConfig, stallMs: number, refused: () => SftpError | null) {
  let lost: SftpError | null = null;
  const underWay = new Set<(error: SftpError) => void>();
  const lose = (error: SftpError) => {
    lost ??= error;
    for (const fail of underWay) fail(lost);
    underWay.clear();
  };
  client.on('error', (error) => lose(classify(source, refused() ?? error)));
  client.on('close', () =>
    lose(refused() ?? new SftpError('transient', `SFTP ${where(source)}: the connection closed`)),
  );

  /**
   * Runs `what`; `received` (given to `start`) tells that data arrived, so the watch starts again.
   * `watched: false`: no watch until `received` is first called (the handshake has its own timeout).
   */
  function run<T>(what: string, start: (done: Done<T>, received: () => void) => void, watched = true): Promise<T> {
    if (lost) return Promise.reject(lost);
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let over = false;
      const end = () => {
        over = true;
        clearTimeout(timer);
        underWay.delete(fail);
      };
      const fail = (error: SftpError) => {
        end();
        reject(error);
      };
      const received = () => {
        clearTimeout(timer);
        if (over) return;
        timer = setTimeout(() => {
          lose(
            new SftpError('transient', `SFTP ${where(source)}: nothing received for ${stallMs / 1000} s while ${what}`),
          );
          client.destroy();
        }, stallMs);
      };
      const done: Done<T> = (error, value) => {
        end();
        if (error) reject(classify(source, error));
        else resolve(value);
      };
      underWay.add(fail);
      if (watched) received();
      try {
        start(done, received);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)), undefined as T);
      }
    });
  }
  return { run, lose };
}

/** Connects to `source`'s server; the host key is checked first. Throws SftpError. */
export async function openSftp(source: SftpSourceConfig, timeoutMs: number): Promise<SftpSession> {
  const secrets = await readSftpSecrets(source);
  let refused: SftpError | null = null;
  const client = new Client();
  const ops = operations(client, source, (source.stallSeconds ?? DEFAULT_STALL_SECONDS) * 1000, () => refused);
  const config: ConnectConfig = {
    host: source.host,
    port: source.port,
    username: source.user,
    ...secrets.auth,
    readyTimeout: timeoutMs,
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(secrets.knownHosts, source.host, source.port, key);
      if (!verdict.accepted) refused = refusal(source, verdict, key);
      return verdict.accepted;
    },
  };
  /**
   * The channel's own events, listened to from the moment ssh2 hands it over: an `'error'` (a
   * malformed or unexpected SFTP packet, after which ssh2 closes the channel) or a close fails
   * every operation under way as transient, the error kept as the cause.
   */
  const watchChannel = (channel: SFTPWrapper) => {
    channel.on('error', (error: Error) => ops.lose(classify(source, error)));
    channel.on('close', () => ops.lose(new SftpError('transient', `SFTP ${where(source)}: the SFTP channel closed`)));
  };
  const sftp = await ops
    .run<SFTPWrapper>(
      'connecting',
      (done, received) => {
        client.once('ready', () => {
          received();
          client.sftp((error, channel) => {
            if (channel) watchChannel(channel);
            done(error, channel);
          });
        });
        client.connect(config);
      },
      false,
    )
    .catch((error: unknown) => {
      client.destroy();
      throw error;
    });
  const remote = (name: string) => path.posix.join(source.remoteDir, name);
  const matching = new RegExp(source.pattern);
  /** A link's target's attributes; null when the server answers a status on it (a link to nothing). */
  const target = (name: string) =>
    ops.run<Stats | null>(`reading the link ${name}`, (done) =>
      sftp.stat(remote(name), (e, stats) => (isFileStatus(e) ? done(undefined, null) : done(e, stats))),
    );
  return {
    async list() {
      const entries = await ops.run<FileEntryWithStats[]>(`listing ${source.remoteDir}`, (done) =>
        sftp.readdir(source.remoteDir, (error, list) =>
          done(isMissing(error) ? missingFolder(source, error) : error, list),
        ),
      );
      const files = await Promise.all(
        entries
          .filter((e) => matching.test(e.filename))
          .map(async (e) => {
            const type = entryType(e.attrs);
            if (type !== 'link') return remoteFile(e.filename, e.attrs, type);
            return remoteFile(e.filename, (await target(e.filename)) ?? e.attrs, type);
          }),
      );
      return files.sort(byName);
    },
    async download(file, local) {
      const { name, type } = file;
      if (type === 'fifo' || type === 'socket' || type === 'device')
        throw new SftpError('file', `${ENTRY_TYPES[type]}: not read, only a regular file is a delivery`);
      await ops.run<void>(`fetching ${name}`, (done, received) =>
        sftp.fastGet(remote(name), local, { concurrency: 8, chunkSize: 256 * 1024, step: received }, (e) =>
          done(fileFault(file, e), undefined),
        ),
      );
      return remoteFile(
        name,
        await ops.run<Stats>(`reading the time of ${name}`, (done) =>
          sftp.stat(remote(name), (e, stats) => done(fileFault(file, e), stats)),
        ),
      );
    },
    async remove(name) {
      await ops.run<void>(`removing ${name}`, (done) => sftp.unlink(remote(name), (e) => done(e, undefined)));
    },
    close: () => client.end(),
  };
}
