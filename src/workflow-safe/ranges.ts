/** Ranged runs: many consecutive days of one dataset in one run, each day still its own outcome. Pure. */
import type { DatasetName } from './datasets.js';
import { nextDate } from './partition.js';
import type { RunKind } from './pipeline.js';
import type { RowCounts } from './rows-tally.js';

export interface RangeRunInput {
  readonly dataset: DatasetName;
  /** Consecutive days, in order. */
  readonly dates: readonly string[];
  readonly runKind: RunKind;
  readonly backfillId?: string;
}

/** What went wrong with one day inside a range: its classified failure's type and message. */
export interface DayFailure {
  readonly type: string;
  readonly message: string;
}

/** One day's result of a range's stage: its output, or the failure that ends the day there. */
export type DayStepResult<T> =
  { readonly date: string; readonly ok: T } | { readonly date: string; readonly failure: DayFailure };

export interface RangeDayOutcome {
  readonly date: string;
  /** `elsewhere`: another run held the day running when the range started; the range left it. */
  readonly status: 'succeeded' | 'failed' | 'elsewhere';
  /** A failed day's failure, as its record keeps it. */
  readonly failure?: DayFailure;
  /** The workflow ID of the run that holds a day left `elsewhere`. */
  readonly heldBy?: string;
  /** A succeeded day's rows (absent from the outcomes of ranges before they were given). */
  readonly rows?: RowCounts;
  /** A succeeded day's rejected rows' file. */
  readonly rejectsKey?: string;
}

export interface RangeRunOutput {
  readonly days: readonly RangeDayOutcome[];
}

/** Fewest days in a range by default: a short backfill's (43 days at parallel 4: 16, 16, 11). */
export const MIN_DAYS_PER_RANGE = 16;

/** Most days in a range by default: a long backfill's, in bounded memory (bench/RESULTS.md, "Ranges sized by the plan"). */
export const MAX_DAYS_PER_RANGE = 64;

/**
 * The days of a range when the backfill is not told (`--days-per-run`): `days` (those one run of the
 * backfill will start) spread over `parallel` slots in as few waves of ranges as
 * {@link MAX_DAYS_PER_RANGE} allows, each range of equal length, at least {@link MIN_DAYS_PER_RANGE}.
 * Ten years at parallel 4 (runs of 1 000 days): ranges of 63, four waves a run; 43 days: 16.
 */
export function defaultRangeDays(days: number, parallel: number): number {
  const slots = Math.max(1, parallel);
  const waves = Math.max(1, Math.ceil(days / (slots * MAX_DAYS_PER_RANGE)));
  return Math.min(MAX_DAYS_PER_RANGE, Math.max(MIN_DAYS_PER_RANGE, Math.ceil(days / (slots * waves))));
}

/**
 * The planned days, in order, grouped into runs of consecutive days of at most `size` days each: a
 * gap in the plan starts a new run.
 */
export function rangesOf(dates: readonly string[], size: number): string[][] {
  const ranges: string[][] = [];
  let current: string[] = [];
  for (const date of dates) {
    const last = current.at(-1);
    if (current.length === size || (last !== undefined && nextDate(last) !== date)) {
      ranges.push(current);
      current = [];
    }
    current.push(date);
  }
  if (current.length > 0) ranges.push(current);
  return ranges;
}
