/**
 * The entries an SFTP server lists but could not serve (a link to nothing, a folder named like a
 * delivery, a file it may not read): which of them a pickup tries again, and the record of a failed
 * try. Each is tried by itself, after the new files, with a pause that doubles at each failure, so
 * that one bad entry never holds the files after it. A round whose every file the server fails
 * alike is the server's fault, not theirs (`serverWideFault`).
 */
import { SftpError, statusOfFileFault, type RemoteFile } from '../sftp/session.js';
import type { SftpFaultRecord } from '../storage/records.js';

/** The pause after an entry's first failed try; it doubles at each failure, up to FAULT_PAUSE_MAX_MS. */
export const FAULT_PAUSE_FIRST_MS = 60_000;
/** The longest pause between two tries of a faulted entry: it is still tried a few times a day. */
export const FAULT_PAUSE_MAX_MS = 6 * 3600_000;

export const pauseAfter = (attempts: number): number =>
  Math.min(FAULT_PAUSE_FIRST_MS * 2 ** Math.max(0, attempts - 1), FAULT_PAUSE_MAX_MS);

/** Whether `file` is on the server as it was when its fault was recorded (a new size or time is a new delivery). */
const unchanged = (file: RemoteFile, fault: SftpFaultRecord | undefined): fault is SftpFaultRecord =>
  fault !== undefined && fault.size === file.size && fault.mtime === file.mtime.toISOString();

/**
 * The entries a pickup tries among `candidates` (new on the server, settled), in order: those
 * without a fault as they are now, by name; then the faulted ones whose pause is over, by name;
 * `limit` of them at most. A faulted entry still in its pause is left alone.
 */
export function entriesToTry(
  candidates: readonly RemoteFile[],
  faults: ReadonlyMap<string, SftpFaultRecord>,
  now: number,
  limit = candidates.length,
): RemoteFile[] {
  const fresh = candidates.filter((f) => !unchanged(f, faults.get(f.name)));
  const due = candidates.filter((f) => {
    const fault = faults.get(f.name);
    return unchanged(f, fault) && Date.parse(fault.nextTryAt) <= now;
  });
  return [...fresh, ...due].slice(0, limit);
}

/** The fault of `file` after a failed try at `at`, counting the tries before it (`previous`). */
export function faultAfter(
  dataset: string,
  file: RemoteFile,
  reason: string,
  previous: SftpFaultRecord | undefined,
  at: Date,
): SftpFaultRecord {
  const attempts = (previous?.attempts ?? 0) + 1;
  return {
    dataset,
    name: file.name,
    size: file.size,
    mtime: file.mtime.toISOString(),
    reason,
    attempts,
    firstFailedAt: previous?.firstFailedAt ?? at.toISOString(),
    lastFailedAt: at.toISOString(),
    nextTryAt: new Date(at.getTime() + pauseAfter(attempts)).toISOString(),
  };
}

/** An entry the server did not serve in a round, and what it answered. */
export interface Unserved {
  readonly file: RemoteFile;
  readonly unserved: SftpError;
}

/** Regular files a round must fail alike, none served, for the fault to be the server's. */
export const SERVER_WIDE_AT_LEAST = 2;

/**
 * The round's fault as the server's own, when every regular file it tried (at least
 * SERVER_WIDE_AT_LEAST, none served) failed with the same SFTP status — a storage hiccup answers
 * FAILURE (4) on every open: transient, the pickup tried again with backoff and no file paused.
 * Null otherwise: each file's fault is its own. Folders, links and special entries fail for what
 * they are and count for neither.
 */
export function serverWideFault(unserved: readonly Unserved[], served: number): SftpError | null {
  const files = unserved.filter((u) => u.file.type === undefined);
  const statuses = new Set(files.map((u) => statusOfFileFault(u.unserved)));
  const [status] = statuses;
  if (served > 0 || files.length < SERVER_WIDE_AT_LEAST || statuses.size !== 1 || status == null) return null;
  const first = files[0]?.unserved;
  return new SftpError(
    'transient',
    `the server failed every file of the round alike (SFTP status ${status} on ${files.length} files, first ${files[0]?.file.name}: ${first?.message}): its own fault, tried again`,
    { cause: first },
  );
}
