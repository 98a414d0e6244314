/**
 * A month's billing, one workflow per month, `billing/{YYYY-MM}`: the month's only writer
 * (docs/billing.md, "The month's invariant"). Started or signalled with `bill` (signal-with-start)
 * by the billing schedule, a late day of the billing dataset, new rates, a snapshot import and
 * `courant billing --month`. Requests that arrive while the month bills are billed once more after,
 * together.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  BILLING_KEEPS_TRIGGERS_PATCH,
  BILLING_SHARDS_PATCH,
  BILLING_QUERIES,
  BILLING_SIGNALS,
  mergeTriggers,
  type BilledMonth,
  type BillingFailing,
  type BillingMonthInput,
  type BillingMonthOutput,
  type BillingMonthState,
  type BillingTrigger,
  type ShardedMonth,
} from '../workflow-safe/billing.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../workflow-safe/errors.js';
import { billingShardsTaskQueue } from '../workflow-safe/keys.js';
import { checkBillingMonthInput, checkBillingTrigger, InvalidInputError } from '../workflow-safe/inputs.js';
import { activityOptions } from './activity-options.js';
import { checkedInput } from './checked-input.js';
import { describeFailure } from './failure-messages.js';

export const billRequested = defineSignal<[unknown]>(BILLING_SIGNALS.bill);
export const billingState = defineQuery<BillingMonthState>(BILLING_QUERIES.state);

const billing = proxyActivities<Activities>(activityOptions('monthBilling'));
const notes = proxyActivities<Activities>(activityOptions('billingNote'));

/**
 * The month billed for `triggers`: by `billStoredMonth` alone, or, `shardable` and past its size, in
 * shards, each billed by an activity of its own on the shards' queue (each worker takes one at a
 * time), then joined and recorded, and their work folder removed. A shard that fails is retried
 * alone; a billing that fails leaves its work folder to the next one to remove.
 */
async function billMonth(month: string, triggers: readonly BillingTrigger[], shardable: boolean): Promise<BilledMonth> {
  const billed = await billing.billStoredMonth({ month, triggers, ...(shardable ? { shardable } : {}) });
  if (!isSharded(billed)) return billed;
  const { work } = billed;
  const shards = proxyActivities<Activities>(
    activityOptions('monthBilling', billingShardsTaskQueue(workflowInfo().taskQueue)),
  );
  await Promise.all(Array.from({ length: billed.shards }, (_, shard) => shards.billMonthShard({ month, work, shard })));
  const recorded = await billing.recordMonthShards({ month, work, triggers });
  await billing.dropMonthShards({ month, work });
  return recorded;
}

const isSharded = (billed: BilledMonth | ShardedMonth): billed is ShardedMonth => 'shards' in billed;

/** The pause before a failed billing is tried again: doubling from 15 seconds to an hour. */
const retryPauseMs = (attempts: number) => Math.min(15_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/**
 * billingMonth: bills the month (`billStoredMonth`) until no request is left, then ends.
 * - Each billing is for every request received before it started, recorded as its reasons.
 * - Days that succeeded after the billing read them (`lateDays`) are billed again at once.
 * - From the `billing-shards` patch on, a month past `BILLING_SHARD_PRMS` PRMs is billed in shards
 *   (`billMonth`), byte-identical to one billed in one piece.
 * - A billing that fails keeps its requests: a transient fault is tried again after a pause
 *   (carried over continue-as-new), a fault only a release mends (a rates file) ends the run, the
 *   requests kept in the month's pending record; both are noted there with why and since when.
 * - A request that is not a trigger is logged and dropped (it cannot be billed for).
 * - Idempotent: a billing with nothing new leaves the month's Parquet byte-identical.
 */
export async function billingMonth(rawInput: BillingMonthInput): Promise<BillingMonthOutput> {
  const keepsTriggers = patched(BILLING_KEEPS_TRIGGERS_PATCH);
  const shardable = patched(BILLING_SHARDS_PATCH);
  const input = checkedInput(checkBillingMonthInput, rawInput);
  const { month } = input;
  const pending: BillingTrigger[] = [...(input.pending ?? [])];
  let inFlight: readonly BillingTrigger[] = [];
  let failing: BillingFailing | null = input.failing ?? null;
  let last: BilledMonth | null = null;
  setHandler(billRequested, (request) => {
    try {
      pending.push(checkBillingTrigger(request));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      log.warn('a billing request that is not a trigger was dropped', { month, error: error.message });
    }
  });
  setHandler(billingState, () => ({ month, pending: [...pending], billing: inFlight, failing, billed: last }));
  let runs = 0;
  let changed = 0;
  while (pending.length > 0) {
    if (workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof billingMonth>({
        month,
        pending: keepsTriggers ? mergeTriggers(pending) : pending,
        ...(failing === null ? {} : { failing }),
      });
    const triggers = pending.splice(0);
    inFlight = keepsTriggers ? mergeTriggers(triggers) : triggers;
    if (!keepsTriggers) {
      const billed = await billMonth(month, inFlight, false);
      runs += 1;
      if (billed.changed) changed += 1;
      continue;
    }
    try {
      last = await billMonth(month, inFlight, shardable);
      runs += 1;
      if (last.changed) changed += 1;
      failing = null;
      for (const date of last.lateDays ?? []) pending.push({ kind: 'late-day', date });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      pending.unshift(...inFlight);
      const failure = describeFailure(error);
      const cause = error.cause;
      const final =
        cause instanceof ApplicationFailure &&
        (cause.nonRetryable || (NON_RETRYABLE_ERROR_TYPES as readonly string[]).includes(cause.type ?? ''));
      const attempts = (failing?.attempts ?? 0) + 1;
      const pauseMs = retryPauseMs(attempts);
      failing = {
        since: failing?.since ?? new Date().toISOString(),
        attempts,
        why: `${failure.type}: ${failure.message}`,
        ...(final ? {} : { nextAt: new Date(Date.now() + pauseMs).toISOString() }),
      };
      // The note is for people; the requests themselves stay in this run whatever becomes of it.
      await notes
        .noteBillingFailing({ month, failing, triggers: mergeTriggers(pending) })
        .catch((noteError: unknown) => {
          log.warn('the failing billing could not be noted in its record', {
            month,
            error: describeFailure(noteError),
          });
        });
      if (final)
        throw ApplicationFailure.nonRetryable(
          `billing ${month} stopped: ${failing.why}. Its requests are kept in its record and billed again at the next request, or when a worker starts with mended rates`,
          ErrorType.BadData,
        );
      log.warn('billing failed, tried again after a pause', { month, attempts, pauseMs, why: failing.why });
      await sleep(pauseMs);
    } finally {
      inFlight = [];
    }
  }
  log.info('month billed', { month, runs, changed });
  return {
    month,
    runs,
    changed,
    ...(last === null ? {} : { sha256: last.sha256, ...(last.version === undefined ? {} : { version: last.version }) }),
  };
}
