/**
 * One run at a time bills a month for good. `courant billing --month M` and the workflow
 * `billing/{M}` both keep the replaced version, write the Parquet and append to the record: two of
 * them interleaved could keep the wrong bytes as a version or lose a version from the record. The
 * month's lease (`billing/{M}`, in the records) is held around that work and renewed while it runs;
 * a holder that dies leaves it to end by itself after MONTH_LEASE_MS.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease, RecordStore } from '../storage/records.js';

export const MONTH_LEASE_MS = 10 * 60_000;
/** Renewed this often while held, so a run of any length keeps it. */
const RENEW_EVERY_MS = MONTH_LEASE_MS / 4;

export const monthLeaseName = (month: string) => `billing/${month}`;

/** The lease was lost while the run held it (not renewed in time): its writes may have interleaved with another's. */
export class MonthLeaseLostError extends Error {
  constructor(month: string, options: { cause: unknown }) {
    super(`billing ${month}: the month's lease could not be renewed while billing it`, options);
    this.name = 'MonthLeaseLostError';
  }
}

/**
 * Runs `work` holding `month`'s lease as `holder`. While another holds it, `whenHeld` is called with
 * that lease and the claim is tried again after it resolves (it waits, or throws to give up).
 */
export async function withMonthLease<T>(
  records: RecordStore,
  month: string,
  holder: string,
  work: () => Promise<T>,
  whenHeld: (held: Lease) => Promise<void>,
): Promise<T> {
  const name = monthLeaseName(month);
  for (;;) {
    const claim = await records.claimLease(name, holder, MONTH_LEASE_MS);
    if (claim.claimed) break;
    await whenHeld(claim.held);
  }
  let heldUntil = Date.now() + MONTH_LEASE_MS;
  let lost: unknown = null;
  const renewal = setInterval(() => {
    const asked = Date.now();
    records.claimLease(name, holder, MONTH_LEASE_MS).then(
      (claim) => {
        if (claim.claimed) heldUntil = asked + MONTH_LEASE_MS;
        else lost = new Error(`taken by ${claim.held.holder}`);
      },
      (error: unknown) => {
        // Tried again at the next renewal; the run fails only if the lease ended meanwhile.
        lost = error;
      },
    );
  }, RENEW_EVERY_MS);
  try {
    const result = await work();
    if (Date.now() >= heldUntil) throw new MonthLeaseLostError(month, { cause: lost });
    return result;
  } finally {
    clearInterval(renewal);
    await records.releaseLease(name, holder);
  }
}

/**
 * A `whenHeld` that waits for the holder to be done: a pause doubling from 200 ms to 5 s (never past
 * the lease's end), `onWait` told of each wait (to say so, or heartbeat).
 */
export function waitForMonthLease(onWait: (held: Lease) => void): (held: Lease) => Promise<void> {
  let pauseMs = 200;
  return async (held) => {
    onWait(held);
    await sleep(Math.max(0, Math.min(pauseMs, held.until - Date.now())));
    pauseMs = Math.min(pauseMs * 2, 5_000);
  };
}
