/**
 * A (dataset, day)'s status as every reader shows it — `courant status`, the console's grid and
 * day page, `/api/v1`: the statuses in their order, their labels, symbols and colours, and the one
 * function from a day's record to its status.
 */
import { wasCancelled } from '../workflow-safe/backfill.js';
import type { DayRunStatus } from '../workflow-safe/day-records.js';
import { ErrorType } from '../workflow-safe/errors.js';

/**
 * succeeded; failed; blocked (a blocking quality check stopped it); outputs missing (it succeeded,
 * but `courant verify` found an output it wrote gone or changed); running; cancelled (its run was
 * cancelled before it ended: still to run); no data (it never will have any); missing (no record,
 * not due yet or never late); late (no record past its dataset's due time).
 */
export const DAY_STATUSES = [
  'succeeded',
  'failed',
  'blocked',
  'outputsMissing',
  'running',
  'cancelled',
  'noData',
  'missing',
  'late',
] as const;
export type DayStatusName = (typeof DAY_STATUSES)[number];

export const DAY_STATUS_LABEL: Readonly<Record<DayStatusName, string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  blocked: 'blocked',
  outputsMissing: 'outputs missing',
  running: 'running',
  cancelled: 'cancelled',
  noData: 'no data',
  missing: 'missing',
  late: 'late',
};

export const DAY_STATUS_SYMBOL: Readonly<Record<DayStatusName, string>> = {
  succeeded: '✓',
  failed: '✗',
  blocked: '⊘',
  outputsMissing: '?',
  running: '…',
  cancelled: '○',
  noData: '∅',
  missing: '·',
  late: '!',
};

/** The colour of each status on a terminal (ANSI) and on a page (CSS). */
export const DAY_STATUS_COLOUR: Readonly<Record<DayStatusName, { readonly terminal: string; readonly css: string }>> = {
  succeeded: { terminal: '\u001b[32m', css: 'var(--ok)' },
  failed: { terminal: '\u001b[31m', css: 'var(--bad)' },
  blocked: { terminal: '\u001b[35m', css: '#7d3c98' },
  outputsMissing: { terminal: '\u001b[35m', css: '#8e44ad' },
  running: { terminal: '\u001b[33m', css: 'var(--run)' },
  cancelled: { terminal: '\u001b[36m', css: '#5dade2' },
  noData: { terminal: '\u001b[90m', css: '#d5d8dc' },
  missing: { terminal: '\u001b[90m', css: 'var(--none)' },
  late: { terminal: '\u001b[31m', css: '#e67e22' },
};

/** How many of `cells` have each status. */
export function countStatuses(cells: Iterable<{ readonly status: DayStatusName }>): Record<DayStatusName, number> {
  const counts: Record<DayStatusName, number> = {
    succeeded: 0,
    failed: 0,
    blocked: 0,
    outputsMissing: 0,
    running: 0,
    cancelled: 0,
    noData: 0,
    missing: 0,
    late: 0,
  };
  for (const { status } of cells) counts[status] += 1;
  return counts;
}

/** What a day's record says of its status: the run's status and, when it failed, its error's type. */
export interface RecordedStatus {
  readonly status: DayRunStatus;
  readonly errorType: string | null;
}

/**
 * The status of a day from its record (undefined: none) and whether the day is due: a failed day
 * is blocked when a quality check stopped it, its outputs missing when `courant verify` found one
 * gone or changed, without data when it never will have any; a day failed as `Cancelled` (records
 * written before the `cancelled` status) is cancelled.
 */
export function dayStatusOf(recorded: RecordedStatus | undefined, due: boolean): DayStatusName {
  if (recorded === undefined) return due ? 'late' : 'missing';
  if (wasCancelled(recorded)) return 'cancelled';
  if (recorded.status !== 'failed') return recorded.status;
  if (recorded.errorType === ErrorType.DataQuality) return 'blocked';
  if (recorded.errorType === ErrorType.OutputsMissing) return 'outputsMissing';
  return recorded.errorType === ErrorType.NoData ? 'noData' : 'failed';
}
