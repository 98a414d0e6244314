/**
 * SFTP pickup activities: each dataset's server (`{NAME}_SFTP_*`) listed, every file not fetched
 * before (by name, size and time on the server, recorded in `sftp_files`) fetched to a scratch
 * file, recorded as entering, then put into `inbox/{dataset}/` in one atomic write (a partial
 * download never reaches the inbox); the files a pickup returns are recorded as handed to the
 * batch its workflow starts for them (`ingestFiles`). Who has a delivery at each step:
 * docs/architecture.md, "Who has a delivery".
 */
import { Context } from '@temporalio/activity';
import type { WorkflowClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ingestionStates } from '../client/ingestion-state.js';
import type { SftpSourceConfig } from '../config/index.js';
import { DEFAULT_SETTLE_SECONDS } from '../config/sftp.js';
import { byName, openSftp, SftpError, type RemoteFile, type SftpSession } from '../sftp/session.js';
import { sha256OfFile } from '../storage/file-hash.js';
import type { SftpFaultRecord, SftpFileRecord } from '../storage/records.js';
import { inboxFileName, sftpRecordsOfInbox } from '../storage/sftp-inbox-records.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { ErrorType } from '../workflow-safe/errors.js';
import type { StoredObjectInfo } from '../storage/object-store.js';
import { dropExtension, inboxKeys, inboxNameOf, storageKeys, workflowIds } from '../workflow-safe/keys.js';
import type { ActivityDeps } from './deps.js';
import type { InboxFile } from './drops.js';
import { entriesToTry, faultAfter, serverWideFault, type Unserved } from './sftp-faults.js';

/**
 * How long a file fetched by SFTP is left to its batch once that batch shows no more life (closed,
 * or never started after the pickup handed it over), or to the pickup that fetched it while it is
 * not handed over yet: the inbox scan takes it after that, and the pickup no longer hands a file
 * to a new batch in place of one the server does not know.
 */
export const SFTP_BATCH_GRACE_MS = 60 * 60 * 1000;

/** The type each kind of SFTP failure is failed with: only a transient one is retried. */
const FAILURE_TYPES = {
  'host-key': ErrorType.HostKeyRefused,
  auth: ErrorType.SourceRejected,
  config: ErrorType.SourceMisconfigured,
  transient: ErrorType.TransientIO,
  file: ErrorType.TransientIO,
} as const;

/** The record of a file the inbox holds or held: its `entering` mark dropped. */
function entered(record: SftpFileRecord): SftpFileRecord {
  const { entering, ...rest } = record;
  return entering ? rest : record;
}

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

/** A file the pickup put into the inbox, with its record. */
interface Fetched {
  readonly file: InboxFile;
  readonly record: SftpFileRecord;
}

/** What one try of an entry came to: put into the inbox, known by its bytes (its record now), or left. */
type Tried = Fetched | { readonly known: SftpFileRecord } | null;

export function createSftpActivities(deps: ActivityDeps, workflows: WorkflowClient) {
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
   * changed on the server while it was fetched (still being written): the next pickup takes it;
   * `known` when it holds the bytes its record names (put back on the server with a newer time):
   * its record takes the new size and time, and nothing is put into the inbox.
   */
  async function fetch(
    session: SftpSession,
    source: SftpSourceConfig,
    file: RemoteFile,
    scratch: string,
    before: SftpFileRecord | undefined,
  ): Promise<Tried> {
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
    if (before?.sha256 === sha256) {
      const known = { ...before, size: file.size, mtime: file.mtime.toISOString() };
      await deps.records.putSftpFile(known);
      if (source.deleteAfterPickup) await session.remove(file.name);
      Context.current().log.info('remote file fetched again with the bytes fetched before: known, not ingested again', {
        dataset: source.dataset,
        file: file.name,
        key: before.inboxKey,
      });
      return { known };
    }
    const key = inboxKeys.file(source.dataset, sha256, file.name);
    // A name the key cleans: noted first, so that whoever meets the key finds its record.
    if (inboxNameOf(key) !== file.name)
      await deps.records.putSftpInboxName(source.dataset, inboxFileName(key), file.name);
    const record: SftpFileRecord = {
      dataset: source.dataset,
      name: file.name,
      size: file.size,
      mtime: file.mtime.toISOString(),
      fetchedAt: new Date().toISOString(),
      inboxKey: key,
      sha256,
      entering: true,
    };
    // Recorded before the inbox holds it: a scan listing the inbox at any moment finds it the pickup's.
    await deps.records.putSftpFile(record);
    await deps.objects.putFile(key, local);
    deps.metrics?.sftp.fetched(source.dataset, size);
    if (source.deleteAfterPickup) await session.remove(file.name);
    Context.current().log.info('fetched from SFTP', { dataset: source.dataset, file: file.name, key, bytes: size });
    return { file: { dataset: source.dataset, key, bytes: size, name: file.name, content: sha256 }, record };
  }

  /**
   * The deliveries recorded and waiting in the inbox (`inbox`: its listing) that no batch has: put
   * there by an earlier attempt or pickup that stopped before returning them (a cut, a worker
   * lost), or handed within the grace to a batch the server does not know (the attempt that
   * handed them failed after recording it). A file handed to a batch the server knows (running,
   * or closed and waiting for an operator) is that batch's. The records are read by key: those of
   * the names listed on the server (`known`) and of the inbox keys (`sftpRecordsOfInbox`).
   */
  async function notHandedOver(
    dataset: string,
    inbox: readonly StoredObjectInfo[],
    known: ReadonlyMap<string, SftpFileRecord>,
    now: number,
  ): Promise<Fetched[]> {
    const bytes = new Map(inbox.map((o) => [o.key, o.bytes]));
    const listed = new Set([...known.values()].map((r) => r.inboxKey));
    const found = await sftpRecordsOfInbox(
      deps.records,
      dataset,
      inbox.map((o) => o.key).filter((key) => !listed.has(key)),
    );
    const records = [...known.values(), ...found].filter((r) => bytes.has(r.inboxKey));
    const lately = (r: SftpFileRecord) => now - Date.parse(r.handedAt ?? '') < SFTP_BATCH_GRACE_MS;
    const states = await ingestionStates(
      workflows,
      records.flatMap((r) => (r.batch !== undefined && lately(r) ? [r.batch] : [])),
    );
    return records
      .filter((r) => r.batch === undefined || (lately(r) && !states.has(r.batch)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((record) => ({
        file: {
          dataset: record.dataset,
          key: record.inboxKey,
          bytes: bytes.get(record.inboxKey) ?? record.size,
          name: record.name,
          content: record.sha256,
        },
        record,
      }));
  }

  /**
   * Records `handed` as handed to the batch the pickup's workflow starts for them, named as it
   * names it (`ingest-batch/{dataset}/{hash of their keys}`): from now on that batch's, unless the
   * server never comes to know it (`notHandedOver`).
   */
  async function handOver(dataset: string, handed: readonly Fetched[]): Promise<void> {
    if (handed.length === 0) return;
    const batch = workflowIds.ingestBatch(
      dataset,
      handed.map((h) => h.file.key),
    );
    const handedAt = new Date().toISOString();
    for (const { record } of handed) await deps.records.putSftpFile({ ...entered(record), batch, handedAt });
  }

  /**
   * The records of the names listed on the server, by name, but those whose file never entered the
   * inbox (`entering`, not in the inbox listing, its content never claimed: an attempt stopped
   * between its record and its put), so that file is fetched again. An `entering` record whose
   * content was claimed (the scan took its file after the grace) loses its mark, once.
   */
  async function recordsOf(
    dataset: string,
    remote: readonly RemoteFile[],
    inbox: readonly StoredObjectInfo[],
  ): Promise<Map<string, SftpFileRecord>> {
    const waiting = new Set(inbox.map((o) => o.key));
    const listed = await deps.records.getSftpFiles(
      dataset,
      remote.map((f) => f.name),
    );
    const known = new Map<string, SftpFileRecord>();
    for (const record of listed) {
      if (record.entering && !waiting.has(record.inboxKey)) {
        const content = storageKeys.claimedDropContent(dataset, record.sha256, dropExtension(record.name));
        if (!(await deps.objects.head(content))) continue;
        await deps.records.putSftpFile(entered(record));
      }
      known.set(record.name, entered(record));
    }
    return known;
  }

  /**
   * The newest remote file not yet ingested: not fetched before this pickup (`known`: the records
   * it started from; those it fetched now wait in the inbox), or fetched and still in the inbox
   * (`inbox`: its listing at the pickup's start).
   */
  function newestPending(
    inbox: readonly StoredObjectInfo[],
    remote: readonly RemoteFile[],
    known: ReadonlyMap<string, SftpFileRecord>,
  ): Date | null {
    const waiting = new Set(inbox.map((o) => o.key));
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
   * Tries `file`: fetched into the inbox or known by its bytes (its fault, if it had one, to be
   * cleared), left (null), or not served: the server answered a status on it, or it is not a
   * regular file. Any other failure is the connection's, thrown.
   */
  async function tryEntry(
    session: SftpSession,
    source: SftpSourceConfig,
    file: RemoteFile,
    scratch: string,
    before: SftpFileRecord | undefined,
  ): Promise<Tried | Unserved> {
    try {
      return await fetch(session, source, file, scratch, before);
    } catch (error) {
      if (!(error instanceof SftpError && error.kind === 'file')) throw error;
      return { file, unserved: error };
    }
  }

  /** Records each entry not served with its reason and next try: the others went on. */
  async function recordUnserved(
    dataset: string,
    unserved: readonly Unserved[],
    faults: Map<string, SftpFaultRecord>,
  ): Promise<void> {
    for (const { file, unserved: error } of unserved) {
      const fault = faultAfter(dataset, file, error.message, faults.get(file.name), new Date());
      await deps.records.putSftpFault(fault);
      faults.set(file.name, fault);
      deps.metrics?.sftp.fileFailed(dataset);
      Context.current().log.warn('remote file not served: recorded and tried again later, the others go on', {
        dataset,
        file: file.name,
        reason: fault.reason,
        attempts: fault.attempts,
        nextTryAt: fault.nextTryAt,
      });
    }
  }

  /**
   * Lists the dataset's remote folder and fetches the matching files not fetched before with the
   * same size and time (the records of the names listed, looked up by key: a pickup's cost does not
   * grow with the deliveries fetched before), first names first, into
   * `inbox/{dataset}/{content hash}-{name}`. Returns, at most `limit` in all (default: no bound),
   * first the deliveries waiting in the inbox that no batch has (`notHandedOver`: fetched by an
   * earlier attempt or pickup that stopped before returning them), then those put there now, each
   * with its name on the server; each is recorded as handed to the batch of the returned files
   * (`ingest-batch/{dataset}/{hash of their keys}`), which the caller starts. A file fetched again
   * with the bytes its record names (put back with a newer time) is known: its record takes the new
   * size and time, nothing is put into the inbox nor returned. A file whose time on the server is
   * younger than `{NAME}_SFTP_SETTLE_SECONDS` may still be written: it is left for a later pickup.
   * Idempotent: a file fetched again (a worker lost before recording it) lands on the same key with
   * the same bytes. An entry the server lists but answers a status on (no such file, permission
   * denied, failure: a link to nothing, a folder, an unreadable file) is that entry's fault alone: recorded with its reason (`listSftpFaults`), the
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
      const inbox = await deps.objects.list(inboxKeys.folder(source.dataset));
      const known = await recordsOf(source.dataset, remote, inbox);
      const faults = new Map((await deps.records.listSftpFaults(source.dataset)).map((f) => [f.name, f]));
      const now = Date.now();
      const handed = (await notHandedOver(source.dataset, inbox, known, now)).slice(0, input.limit);
      if (handed.length > 0)
        Context.current().log.info('deliveries fetched before and not handed to a batch: handed over now', {
          dataset: source.dataset,
          files: handed.map((h) => h.file.name),
        });
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
      const room = input.limit === undefined ? undefined : input.limit - handed.length;
      const unserved: Unserved[] = [];
      let served = 0;
      for (const file of entriesToTry(candidates, faults, now, room)) {
        const tried = await tryEntry(session, source, file, scratch, known.get(file.name));
        if (tried !== null && 'unserved' in tried) {
          unserved.push(tried);
          continue;
        }
        served += 1;
        if (!tried) continue;
        waiting.delete(file.name);
        if ('file' in tried) handed.push(tried);
        else {
          // Its record, if handed over now, is handed with the size and time it has now.
          const at = handed.findIndex((h) => h.record.name === file.name);
          const previous = handed[at];
          if (previous) handed[at] = { ...previous, record: tried.known };
        }
      }
      const serverWide = serverWideFault(unserved, served);
      if (serverWide) throw serverWide;
      await recordUnserved(source.dataset, unserved, faults);
      // A fault is kept while its entry is listed and not fetched; fetched, removed or renamed, it goes.
      const cleared = [...faults.keys()].filter((name) => !waiting.has(name));
      await deps.records.deleteSftpFaults(source.dataset, cleared);
      deps.metrics?.sftp.unserved(source.dataset, faults.size - cleared.length);
      deps.metrics?.sftp.pending(source.dataset, newestPending(inbox, remote, known), new Date());
      await handOver(source.dataset, handed);
      return handed.map((h) => h.file);
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
