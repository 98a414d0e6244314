/** The status of every (dataset, day) of a range, from the days' records and the datasets' due times. */
import { isDue } from '../workflow-safe/freshness.js';
import { dayStatusOf, type DayStatusName, type RecordedStatus } from './status.js';

export interface DayCell {
  readonly dataset: string;
  readonly date: string;
  readonly status: DayStatusName;
}

/** A day's record as the statuses need it. */
export interface RecordedDay extends RecordedStatus {
  readonly dataset: string;
  readonly date: string;
}

/** The key of a (dataset, day) in the maps of cells: `{dataset}/{date}`. */
export function cellKey(dataset: string, date: string): string {
  return `${dataset}/${date}`;
}

/**
 * Each (dataset, day) of `datasets` × `dates` with its status, by `{dataset}/{date}`: a day without
 * a record is late once past its dataset's due time (by `now`; `dueHours`: hours after the Paris
 * day's end, null when its days are never late), missing before.
 */
export function dayCells(
  dueHours: (dataset: string) => number | null,
  range: { readonly dates: readonly string[]; readonly datasets: readonly string[] },
  records: readonly RecordedDay[],
  now: Date,
): Map<string, DayCell> {
  const byKey = new Map(records.map((r) => [cellKey(r.dataset, r.date), r]));
  const cells = new Map<string, DayCell>();
  for (const dataset of range.datasets) {
    const hours = dueHours(dataset);
    for (const date of range.dates) {
      const key = cellKey(dataset, date);
      cells.set(key, { dataset, date, status: dayStatusOf(byKey.get(key), isDue(date, hours, now)) });
    }
  }
  return cells;
}
