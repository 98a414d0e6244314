/**
 * SFTP pickup activities: each dataset's server (`{NAME}_SFTP_*`) listed, every file not fetched
 * before (by name, size and time on the server, recorded in `sftp_files`) fetched to a scratch
 * file, then put into `inbox/{dataset}/` in one atomic write (a partial download never reaches the
 * inbox), then recorded. The drop path takes it from there (`ingestDrop`).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SftpSourceConfig } from '../config/index.js';
import { DEFAULT_SETTLE_SECONDS } from '../config/sftp.js';
import { byName, openSftp, SftpError, type RemoteFile, type SftpSession } from '../sftp/session.js';
import { sha256OfFile } from '../storage/file-hash.js';
import type { SftpFaultRecord, SftpFileRecord } from '../storage/records.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { inboxKeys } from '../workflow-safe/keys.js';
import type { ActivityDeps } from './deps.js';
import type { InboxFile } from './drops.js';
import { entriesToTry, faultAfter } from './sftp-faults.js';

/** The type each kind of SFTP failure is failed with: only a transient one is retried. */
const FAILURE_TYPES = {
  'host-key': ErrorType.HostKeyRefused,
  auth: ErrorType.SourceRejected,
  config: ErrorType.SourceMisconfigured,
  transient: ErrorType.TransientIO,
  file: ErrorType.TransientIO,
} as const;

const isNew = (file: RemoteFile, record: SftpFileRecord | undefined) =>
  !record || record.size !== file.size || record.mtime !== file.mtime.toISOString();

/**
 * Whether `file`'s time on the server is at least the settle time old, by this worker's clock (a
 * server clock ahead delays a file, one behind by more than the settle time lets an upload under
 * way through: both keep time by NTP).
 */
const settled = (file: RemoteFile, source: SftpSourceConfig, now: number) =>
  now - file.mtime.getTime() >= (source.settleSeconds ?? DEFAULT_SETTLE_SECONDS) * 1000;

const sameOnServer = (a: RemoteFile, b: RemoteFile) => a.size === b.size && a.mtime.getTime() === b.mtime.getTime();

export function createSftpActivities(deps: ActivityDeps) {
  const sources = deps.sftp ?? {};

  function sourceOf(dataset: string): SftpSourceConfig {
    const source = sources[dataset];
    if (source) return source;
    throw ApplicationFailure.create({
      type: ErrorType.InvalidInput,
      nonRetryable: true,
      message: `${dataset} has no SFTP server configured`,
    });
  }

  function failure(dataset: string, error: SftpError): ApplicationFailure {
    deps.metrics?.sftp.failed(dataset, error.kind);
    return ApplicationFailure.create({
      type: FAILURE_TYPES[error.kind],
      nonRetryable: error.kind !== 'transient' && error.kind !== 'file',
      message: error.message,
      cause: error,
    });
  }

  /**
   * Fetches `file` into the inbox, through a scratch file; records it. Returns null when the file
   * changed on the server while it was fetched (still being written): the next pickup takes it.
   */
  async function fetch(
    session: SftpSession,
    source: SftpSourceConfig,
    file: RemoteFile,
    scratch: string,
  ): Promise<InboxFile | null> {
    const local = path.join(scratch, 'download.part');
    const after = await session.download(file, local);
    const { size } = await stat(local);
    if (!sameOnServer(file, after) || size !== after.size) {
      Context.current().log.info('remote file changed while fetched: left for the next pickup', {
        dataset: source.dataset,
        file: file.name,
      });
      return null;
    }
    const sha256 = await sha256OfFile(local);
    const key = inboxKeys.file(source.dataset, sha256, file.name);
    await deps.objects.putFile(key, local);
    await deps.records.putSftpFile({
      dataset: source.dataset,
      name: file.name,
      size: file.size,
      mtime: file.mtime.toISOString(),
      fetchedAt: new Date().toISOString(),
      inboxKey: key,
      sha256,
    });
    deps.metrics?.sftp.fetched(source.dataset, size);
    if (source.deleteAfterPickup) await session.remove(file.name);
    Context.current().log.info('fetched from SFTP', { dataset: source.dataset, file: file.name, key, bytes: size });
    return { dataset: source.dataset, key, bytes: size, name: file.name, content: sha256 };
  }

  /**
   * The newest remote file not yet ingested: not fetched before this pickup (`known`: the records
   * it started from; those it fetched now wait in the inbox), or fetched and still in the inbox.
   */
  async function newestPending(
    dataset: string,
    remote: readonly RemoteFile[],
    known: ReadonlyMap<string, SftpFileRecord>,
  ): Promise<Date | null> {
    const waiting = new Set((await deps.objects.list(inboxKeys.folder(dataset))).map((o) => o.key));
    const pending = remote.filter((f) => {
      const record = known.get(f.name);
      return isNew(f, record) || (record !== undefined && waiting.has(record.inboxKey));
    });
    return pending.reduce<Date | null>((newest, f) => (newest && newest >= f.mtime ? newest : f.mtime), null);
  }

  /** The datasets whose SFTP server is configured, by name. */
  async function sftpDatasets(): Promise<DatasetName[]> {
    return Promise.resolve(Object.keys(sources).sort());
  }

  /**
   * Tries `file`: fetched into the inbox (its fault, if it had one, to be cleared), or, when the
   * server answers a status on it, its fault recorded with the reason and its next try; returns
   * what was put in the inbox, or null. Any other failure is the connection's, thrown.
   */
  async function tryEntry(
    session: SftpSession,
    source: SftpSourceConfig,
    file: RemoteFile,
    scratch: string,
    faults: Map<string, SftpFaultRecord>,
  ): Promise<InboxFile | null> {
    try {
      return await fetch(session, source, file, scratch);
    } catch (error) {
      if (!(error instanceof SftpError && error.kind === 'file')) throw error;
      const fault = faultAfter(source.dataset, file, error.message, faults.get(file.name), new Date());
      await deps.records.putSftpFault(fault);
      faults.set(file.name, fault);
      deps.metrics?.sftp.fileFailed(source.dataset);
      Context.current().log.warn('remote file not served: recorded and tried again later, the others go on', {
        dataset: source.dataset,
        file: file.name,
        reason: fault.reason,
        attempts: fault.attempts,
        nextTryAt: fault.nextTryAt,
      });
      return null;
    }
  }

  /**
   * Lists the dataset's remote folder and fetches the matching files not fetched before with the
   * same size and time (the records of the names listed, looked up by key: a pickup's cost does not
   * grow with the deliveries fetched before), first names first, at most `limit` of them (default: all), into
   * `inbox/{dataset}/{content hash}-{name}`; returns those put there, each with its name on the
   * server. A file whose time on the server is younger than `{NAME}_SFTP_SETTLE_SECONDS` may still
   * be written: it is left for a later pickup. Idempotent: a file fetched again (a worker lost
   * before recording it) lands on the same key with the same bytes. An entry the server lists but
   * answers a status on (no such file, permission denied, failure: a link to nothing, a folder, an
   * unreadable file) is that entry's fault alone: recorded with its reason (`listSftpFaults`), the
   * others fetched, and tried again by itself after the new files once its pause is over (1 min,
   * doubling to 6 h); its fault is removed once it is fetched or no longer listed. A refused host
   * key (HostKeyRefused) or refused credentials (SourceRejected) fail non-retryably, as does a
   * configuration fault (SourceMisconfigured: a secret file unreadable, the remote folder missing);
   * an unreachable, silent or stalled server, a cut connection or a broken protocol fails the
   * attempt as TransientIO, retried.
   */
  async function pickUpSftp(input: { readonly dataset: DatasetName; readonly limit?: number }): Promise<InboxFile[]> {
    const source = sourceOf(input.dataset);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'sftp-'));
    let session: SftpSession | null = null;
    try {
      session = await openSftp(source, deps.sourceTimeoutMs);
      const remote = await session.list();
      const listed = await deps.records.getSftpFiles(
        source.dataset,
        remote.map((f) => f.name),
      );
      const known = new Map(listed.map((r) => [r.name, r]));
      const faults = new Map((await deps.records.listSftpFaults(source.dataset)).map((f) => [f.name, f]));
      const fetched: InboxFile[] = [];
      const now = Date.now();
      const fresh = remote.filter((f) => isNew(f, known.get(f.name)));
      const unsettled = fresh.filter((f) => !settled(f, source, now)).map((f) => f.name);
      if (unsettled.length > 0)
        Context.current().log.info('remote files written too recently: left for a later pickup', {
          dataset: source.dataset,
          files: unsettled,
          settleSeconds: source.settleSeconds ?? DEFAULT_SETTLE_SECONDS,
        });
      const candidates = fresh.filter((f) => settled(f, source, now)).sort(byName);
      const waiting = new Set(fresh.map((f) => f.name));
      for (const file of entriesToTry(candidates, faults, now, input.limit)) {
        const put = await tryEntry(session, source, file, scratch, faults);
        if (!put) continue;
        waiting.delete(file.name);
        fetched.push(put);
      }
      // A fault is kept while its entry is listed and not fetched; fetched, removed or renamed, it goes.
      const cleared = [...faults.keys()].filter((name) => !waiting.has(name));
      await deps.records.deleteSftpFaults(source.dataset, cleared);
      deps.metrics?.sftp.unserved(source.dataset, faults.size - cleared.length);
      deps.metrics?.sftp.pending(source.dataset, await newestPending(source.dataset, remote, known), new Date());
      return fetched;
    } catch (error) {
      if (error instanceof SftpError) throw failure(source.dataset, error);
      throw error;
    } finally {
      session?.close();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { sftpDatasets, pickUpSftp };
}

/**
 * For a file fetched by SFTP whose every day succeeded (`releaseDrop`), observes the delay from its
 * time on the server to now: its one record read by its name on the server (one read a file, never
 * the dataset's whole list). Nothing for a file dropped by hand, or when metrics are off.
 */
export async function observeSftpDelivery(
  deps: ActivityDeps,
  file: { readonly inboxKey: string; readonly sha256: string; readonly name: string },
): Promise<void> {
  const dataset = file.inboxKey.split('/')[1] ?? '';
  if (!deps.metrics || !deps.sftp?.[dataset]) return;
  const fetched = await deps.records.getSftpFile(dataset, file.name);
  if (fetched?.inboxKey === file.inboxKey && fetched.sha256 === file.sha256)
    deps.metrics.sftp.delivered(dataset, (Date.now() - Date.parse(fetched.mtime)) / 1000);
}
