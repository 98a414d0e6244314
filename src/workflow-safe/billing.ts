/**
 * The monthly billing workflow's vocabulary (docs/billing.md#when-it-runs): its input and output,
 * why a month is billed (a trigger), the signal that asks for it, and which months read a day.
 * JSON-safe, pure: workflows import it.
 */
import { nextDate, parisDateOf } from './partition.js';
import { monthOf } from './periods.js';

/** The dataset whose days billing reads: its late days bill their months again. */
export const BILLING_DATASET = 'enedis';

/**
 * Why a month is billed: the schedule, a late day of the billing dataset (which flows it read), the
 * rates it was priced with changed, an import of the go-live snapshot, or an operator.
 */
export interface BillingTrigger {
  readonly kind: 'schedule' | 'late-day' | 'rates' | 'snapshot' | 'manual';
  /** For `late-day`: the day that succeeded after the month was billed. */
  readonly date?: string;
  /** For `late-day`: the flows that day read (their storage keys). */
  readonly flows?: readonly string[];
  /** For `rates`: the hash of the month's rates now (`monthRatesSha256`). */
  readonly ratesSha256?: string;
  /** For `snapshot`: the imported file's key (`billingKeys.snapshotImport`). */
  readonly snapshot?: string;
  /** How many requests alike this one stands for (`mergeTriggers`); 1 when absent. */
  readonly count?: number;
}

/** Flows named at most by one merged trigger; the others are counted in `count`. */
const FLOWS_KEPT = 20;

/**
 * The triggers once each by kind, day, rates and snapshot, in their first order: a month's record
 * and a run's input stay bounded however many requests come. Their flows are joined (at most
 * FLOWS_KEPT) and `count` says how many requests each stands for.
 */
export function mergeTriggers(triggers: readonly BillingTrigger[]): BillingTrigger[] {
  const merged = new Map<string, BillingTrigger>();
  for (const t of triggers) {
    const key = [t.kind, t.date ?? '', t.ratesSha256 ?? '', t.snapshot ?? ''].join('|');
    const seen = merged.get(key);
    if (seen === undefined) {
      merged.set(key, t);
      continue;
    }
    const flows = [...new Set([...(seen.flows ?? []), ...(t.flows ?? [])])].slice(0, FLOWS_KEPT);
    merged.set(key, {
      ...seen,
      ...(flows.length > 0 ? { flows } : {}),
      count: (seen.count ?? 1) + (t.count ?? 1),
    });
  }
  return [...merged.values()];
}

export interface BillingMonthInput {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Triggers received and not yet billed, carried over a continue-as-new. */
  readonly pending?: readonly BillingTrigger[];
  /** The month's billing failing since then, carried over a continue-as-new. */
  readonly failing?: BillingFailing;
}

/** A billing of the month that failed and is tried again: since when, how often, why. */
export interface BillingFailing {
  /** ISO-8601: the first failure of the run's current triggers. */
  readonly since: string;
  readonly attempts: number;
  /** The last failure, as the activity gave it (type: message). */
  readonly why: string;
  /** ISO-8601: when it is tried again; absent when it is not (a fault only a new release mends). */
  readonly nextAt?: string;
}

/** What `billing/{YYYY-MM}` answers the `state` query with: the requests waiting, billing now, and failing. */
export interface BillingMonthState {
  readonly month: string;
  readonly pending: readonly BillingTrigger[];
  readonly billing: readonly BillingTrigger[];
  readonly failing: BillingFailing | null;
  /** The last billing this run wrote. */
  readonly billed: BilledMonth | null;
}

export interface BillingMonthOutput {
  readonly month: string;
  /** Runs of the month's billing in this workflow run. */
  readonly runs: number;
  /** Runs whose figures differed from the month's stored ones. */
  readonly changed: number;
  /** The month as the last run left it: its Parquet's SHA-256 and version (absent from runs before they were given). */
  readonly sha256?: string;
  readonly version?: number;
}

/** What one billing of the month gives (the `billStoredMonth` activity). */
export interface BilledMonth {
  readonly month: string;
  readonly contracts: number;
  /** SHA-256 of the month's Parquet. */
  readonly sha256: string;
  /** False when the month's stored Parquet was already these bytes (nothing new: not rewritten). */
  readonly changed: boolean;
  /** The month's version as written (absent from activities before they gave it). */
  readonly version?: number;
  /**
   * Days of the month's window whose run succeeded after the billing read the day records (the
   * watermark moved): the month is billed again for them. Absent from activities before they looked.
   */
  readonly lateDays?: readonly string[];
}

/**
 * A month too big to bill in one activity (`billStoredMonth` asked with `shardable`): its days read
 * and its input cut into `shards` shards of PRMs under the work folder `work`, each billed by
 * `billMonthShard`, then joined and recorded by `recordMonthShards` (docs/billing.md, "A month in
 * shards").
 */
export interface ShardedMonth {
  readonly month: string;
  readonly work: string;
  readonly shards: number;
}

export const BILLING_SIGNALS = { bill: 'bill' } as const;
export const BILLING_QUERIES = { state: 'state' } as const;

/**
 * The patch of `billingMonth` (docs/architecture.md, "How workflow code evolves"): a billing that
 * fails keeps its triggers and is tried again after a pause, noted in the month's pending record; a
 * billing that finds days succeeded after its read bills again for them.
 */
export const BILLING_KEEPS_TRIGGERS_PATCH = 'billing-keeps-triggers';

/**
 * The patch of `billingMonth` that lets a month past `BILLING_SHARD_PRMS` PRMs be billed in shards,
 * each an activity any worker of the task queue takes (docs/billing.md, "A month in shards").
 */
export const BILLING_SHARDS_PATCH = 'billing-shards';

/**
 * The months whose figures read the day `date`: its own month and, for a month's last day, the
 * next one (its R151 index is the next month's opening reading).
 */
export function monthsReadingDay(date: string): string[] {
  return [...new Set([monthOf(date), monthOf(nextDate(date))])];
}

/** The calendar month before the Paris day of `scheduledTime`: the month a schedule firing then bills. */
export function scheduledMonth(scheduledTime: Date): string {
  const [year = 0, month = 1] = monthOf(parisDateOf(scheduledTime)).split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}
