/**
 * One import at a time writes the go-live snapshot: `courant perimeter import` reads the stored
 * snapshot, merges its file into it and writes the result holding the lease `billing/snapshot` (a
 * record, as a month's lease), so that an import started beside it waits, then merges onto its
 * result instead of replacing it (docs/billing.md, "Going live"). A holder that dies leaves the
 * lease to end by itself after SNAPSHOT_LEASE_MS.
 */
import { type HeldLease, withLease } from '../storage/held-lease.js';
import type { Lease, RecordStore } from '../storage/records.js';
import { MONTH_LEASE_MS } from './month-lease.js';

export const SNAPSHOT_LEASE = 'billing/snapshot';

/** As a month's: far longer than an import takes (seconds for 100 000 rows), renewed while it runs. */
export const SNAPSHOT_LEASE_MS = MONTH_LEASE_MS;

/** Runs `work` holding the snapshot's lease as `holder`; while another holds it, `whenHeld` is called and the claim tried again. */
export function withSnapshotLease<T>(
  records: RecordStore,
  holder: string,
  whenHeld: (held: Lease) => Promise<void>,
  work: (lease: HeldLease) => Promise<T>,
): Promise<T> {
  return withLease(records, SNAPSHOT_LEASE, holder, { ttlMs: SNAPSHOT_LEASE_MS, whenHeld }, work);
}
