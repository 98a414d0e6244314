/**
 * One run at a time writes a month: the month's workflow `billing/{M}` is its only writer, and the
 * month's lease (`billing/{M}`, in the records) guards its writes against an attempt of that
 * workflow's activity still running after it timed out (docs/billing.md, "The month's invariant").
 * A holder that dies leaves the lease to end by itself after MONTH_LEASE_MS.
 */
import { type HeldLease, withLease } from '../storage/held-lease.js';
import type { Lease, RecordStore } from '../storage/records.js';

export const MONTH_LEASE_MS = 10 * 60_000;

export const monthLeaseName = (month: string) => `billing/${month}`;

/**
 * Runs `work` holding `month`'s lease as `holder`; while another holds it, `whenHeld` is called and
 * the claim tried again. Once `signal` is aborted, the lease's guard refuses every write.
 */
export async function withMonthLease<T>(
  records: RecordStore,
  month: string,
  holder: string,
  work: (lease: HeldLease) => Promise<T>,
  whenHeld: (held: Lease) => Promise<void>,
  signal?: AbortSignal,
): Promise<T> {
  const options = { ttlMs: MONTH_LEASE_MS, whenHeld, ...(signal === undefined ? {} : { signal }) };
  return withLease(records, monthLeaseName(month), holder, options, work);
}
