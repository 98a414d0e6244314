/**
 * Work done while holding a lease of the record store (`claimLease`): claimed before, renewed while
 * the work runs, checked again right before each write (`guard`), given back after. A holder that
 * dies leaves its lease to end by itself after `ttlMs`. The leases courant keeps and what each
 * guards: docs/billing.md, "The month's invariant".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease, RecordStore } from './records.js';

/** The lease was lost while its work ran (not renewed in time, or taken): its writes may interleave with another's. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(lease: string, why: string, options?: { cause: unknown }) {
    super(`the lease ${lease} was lost while its work ran: ${why}`, options);
  }
}

/** What the work is given: `guard` claims the lease again and throws LeaseLostError if it is no longer this holder's. */
export interface HeldLease {
  readonly guard: () => Promise<void>;
}

export interface LeaseOptions {
  readonly ttlMs: number;
  /** Called while another holds the lease; the claim is tried again once it resolves (it waits, or throws to give up). */
  readonly whenHeld: (held: Lease) => Promise<void>;
  /** Once aborted (the work was given up: an activity attempt that timed out), `guard` throws its reason. */
  readonly signal?: AbortSignal;
}

/** Runs `work` holding the lease `name` as `holder` (see the module's doc). */
export async function withLease<T>(
  records: RecordStore,
  name: string,
  holder: string,
  options: LeaseOptions,
  work: (lease: HeldLease) => Promise<T>,
): Promise<T> {
  for (;;) {
    const claim = await records.claimLease(name, holder, options.ttlMs);
    if (claim.claimed) break;
    await options.whenHeld(claim.held);
  }
  let heldUntil = Date.now() + options.ttlMs;
  let lost: unknown = null;
  const renew = async (): Promise<void> => {
    const asked = Date.now();
    const claim = await records.claimLease(name, holder, options.ttlMs);
    if (claim.claimed) heldUntil = asked + options.ttlMs;
    else throw new LeaseLostError(name, `taken by ${claim.held.holder}`);
  };
  // One renewal at a time, awaited before the release: a renewal still in flight after it would
  // take the lease again for a whole ttl.
  let renewing: Promise<void> = Promise.resolve();
  const renewal = setInterval(() => {
    renewing = renewing.then(renew).catch((error: unknown) => {
      // Tried again at the next renewal; the work fails at its next guard if the lease ended meanwhile.
      lost = error;
    });
  }, options.ttlMs / 4);
  const guard = async () => {
    options.signal?.throwIfAborted();
    if (lost instanceof LeaseLostError) throw lost;
    await renew();
    if (Date.now() >= heldUntil) throw new LeaseLostError(name, 'not renewed in time', { cause: lost });
  };
  try {
    const result = await work({ guard });
    if (Date.now() >= heldUntil) throw new LeaseLostError(name, 'not renewed in time', { cause: lost });
    return result;
  } finally {
    clearInterval(renewal);
    await renewing;
    await records.releaseLease(name, holder);
  }
}

/**
 * A `whenHeld` that waits for the holder to be done: a pause doubling from 200 ms to 5 s (never past
 * the lease's end), `onWait` told of each wait (to say so, or heartbeat).
 */
export function waitForLease(onWait: (held: Lease) => void): (held: Lease) => Promise<void> {
  let pauseMs = 200;
  return async (held) => {
    onWait(held);
    await sleep(Math.max(0, Math.min(pauseMs, held.until - Date.now())));
    pauseMs = Math.min(pauseMs * 2, 5_000);
  };
}
