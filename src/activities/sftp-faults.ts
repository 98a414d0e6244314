/**
 * The entries an SFTP server lists but could not serve (a link to nothing, a folder named like a
 * delivery, a file it may not read): which of them a pickup tries again, and the record of a failed
 * try. Each is tried by itself, after the new files, with a pause that doubles at each failure, so
 * that one bad entry never holds the files after it.
 */
import type { RemoteFile } from '../sftp/session.js';
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
