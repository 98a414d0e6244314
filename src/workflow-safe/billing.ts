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
}

export interface BillingMonthInput {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Triggers received and not yet billed, carried over a continue-as-new. */
  readonly pending?: readonly BillingTrigger[];
}

export interface BillingMonthOutput {
  readonly month: string;
  /** Runs of the month's billing in this workflow run. */
  readonly runs: number;
  /** Runs whose figures differed from the month's stored ones. */
  readonly changed: number;
}

/** What one billing of the month gives (the `billStoredMonth` activity). */
export interface BilledMonth {
  readonly month: string;
  readonly contracts: number;
  /** SHA-256 of the month's Parquet. */
  readonly sha256: string;
  /** False when the month's stored Parquet was already these bytes (nothing new: not rewritten). */
  readonly changed: boolean;
}

export const BILLING_SIGNALS = { bill: 'bill' } as const;

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
