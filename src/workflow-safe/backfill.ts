/** Backfill planning and progress: pure, shared by the backfill workflow, its activity and the CLI. */
import type { DatasetName } from './datasets.js';
import type { DayRunStatus } from './day-records.js';
import { ErrorType } from './errors.js';
import type { ImportRef } from './imports.js';
import type { RowsTally } from './rows-tally.js';

export const BACKFILL_MODES = ['missing', 'failed', 'all'] as const;
export type BackfillMode = (typeof BACKFILL_MODES)[number];

export interface BackfillInput {
  readonly from: string;
  readonly to: string;
  readonly datasets?: readonly DatasetName[];
  readonly mode: BackfillMode;
  /** Days in flight at most. */
  readonly parallel: number;
  /** Days started by one run of the backfill workflow before it continues as new (default 1 000). */
  readonly daysPerRun?: number;
  /**
   * Consecutive days of a dataset that runs in ranges run together as one `range/{dataset}/{from}..{to}`
   * (`courant backfill --days-per-run`); absent: the default of the backfill workflow.
   */
  readonly rangeDays?: number;
  /** Every day through its own `daily/{date}`, as before ranged runs (`--per-day`). */
  readonly perDay?: boolean;
  /** Carried across continue-as-new; absent on the first run. */
  readonly carried?: BackfillCarried;
  /** An imported file: the plan is the days it covers, and their rows come from it (`courant import`). */
  readonly importRef?: ImportRef;
}

export interface FailedDay {
  readonly date: string;
  readonly message: string;
}

/** Days of a backfill that another run's range holds: their outcome is that range's, once it ends. */
export interface RangeWait {
  readonly workflowId: string;
  readonly dates: readonly string[];
}

export interface BackfillCarried {
  readonly planned: number;
  readonly pending: readonly string[];
  readonly succeeded: number;
  /** The first failed days (at most `FAILED_DAYS_KEPT`); `failedDaysOmitted` counts the others. */
  readonly failed: readonly FailedDay[];
  /** Failed days beyond those in `failed` (absent: none). */
  readonly failedDaysOmitted?: number;
  /** Days still waited for in other runs' ranges when the run continued as new (absent: none). */
  readonly waiting?: readonly RangeWait[];
  /** Absent in runs carried before backfills re-checked their days: 0. */
  readonly skipped?: number;
  /** Absent in runs carried before backfills counted rows: counting starts again. */
  readonly rows?: RowsTally;
  /** Months of ended days whose reports are still to be asked for (absent: none). */
  readonly months?: readonly string[];
  /** When the backfill last asked for reports, or started (workflow time, ms). */
  readonly reportsAskedAt?: number;
}

export interface BackfillProgress {
  /** True until the plan has been read from the day records. */
  readonly planning?: boolean;
  /** Days of an import being transformed in passes over many days before they start; absent otherwise. */
  readonly preparing?: number;
  readonly planned: number;
  readonly succeeded: number;
  readonly failed: number;
  /**
   * Planned days that another run (an overlapping backfill, the schedule, an operator) had already
   * finished when their turn came, so this backfill did not run them again.
   */
  readonly skipped?: number;
  readonly running: readonly string[];
  readonly pending: number;
  readonly paused: boolean;
  /** The first failed days (`FAILED_DAYS_KEPT` at most): `failed` counts them all. */
  readonly failedDays: readonly FailedDay[];
  /** Failed days not in `failedDays` (absent: none). */
  readonly failedDaysOmitted?: number;
  /**
   * The rows of the dataset-days that succeeded, as their runs counted them (days another run
   * finished are not counted). Absent from backfills started before courant counted them.
   */
  readonly rows?: RowsTally;
}

export type BackfillSummary = Omit<BackfillProgress, 'running' | 'pending' | 'paused' | 'planning' | 'preparing'>;

/** The status of one (dataset, day) as the records know it. */
export interface DayStatus {
  readonly dataset: string;
  readonly date: string;
  readonly status: DayRunStatus;
  /** The error's type of a failed or cancelled day (ErrorType), else null. */
  readonly errorType: string | null;
}

/**
 * Whether a day's run was cancelled before it ended: `cancelled`, or, in records written before that
 * status, failed as `Cancelled`.
 */
export function wasCancelled(record: { readonly status: DayRunStatus; readonly errorType: string | null }): boolean {
  return record.status === 'cancelled' || (record.status === 'failed' && record.errorType === ErrorType.Cancelled);
}

/**
 * Days to run for a mode: `all` every day; `missing` the days where some dataset has no record,
 * its run was cancelled before it ended, or `courant verify` found its outputs missing or changed
 * (`OutputsMissing`); `failed` the days where some dataset's last run failed (those included, not
 * the cancelled ones). In date order.
 */
export function planDays(
  dates: readonly string[],
  datasets: readonly string[],
  records: readonly DayStatus[],
  mode: BackfillMode,
): string[] {
  if (mode === 'all') return [...dates];
  const byKey = new Map(records.map((r) => [`${r.dataset}/${r.date}`, r]));
  return dates.filter((date) =>
    datasets.some((dataset) => {
      const record = byKey.get(`${dataset}/${date}`);
      if (record === undefined) return mode === 'missing';
      if (mode === 'failed') return record.status === 'failed' && !wasCancelled(record);
      return wasCancelled(record) || record.errorType === ErrorType.OutputsMissing;
    }),
  );
}

/**
 * The planned days that still need this backfill, re-checked just before they start: those the
 * mode still selects, and those running elsewhere (the backfill then attaches to the run in
 * flight; they are also listed as `running`). The others were finished by another run since the plan was made.
 */
export function stillToRun(
  dates: readonly string[],
  datasets: readonly string[],
  records: readonly DayStatus[],
  mode: BackfillMode,
): { run: string[]; skipped: string[]; running: string[] } {
  const selected = new Set(planDays(dates, datasets, records, mode));
  const running = new Set(records.filter((r) => r.status === 'running').map((r) => r.date));
  const run = dates.filter((date) => selected.has(date) || running.has(date));
  return {
    run,
    skipped: dates.filter((date) => !run.includes(date)),
    running: run.filter((date) => running.has(date)),
  };
}
