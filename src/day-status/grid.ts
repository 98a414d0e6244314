/**
 * The console's grid of a range: each (dataset, day)'s status (src/day-status) and each dataset's
 * freshness. Reads the statuses of the range at once (each with its error's type), never a whole record.
 */
import { cellKey, dayCells, type DayCell } from './cells.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import { latestDueDay } from '../workflow-safe/freshness.js';
import { datesInRange } from '../workflow-safe/partition.js';
import type { RecordStore } from '../storage/records.js';

export interface Freshness {
  readonly dataset: string;
  /** The newest succeeded day of the range, or null. */
  readonly lastSucceeded: string | null;
  /** The newest day due by now, or null when the dataset's days are never late. */
  readonly latestDue: string | null;
  /** Days due by now and not succeeded, counted from the newest succeeded day of the range. */
  readonly behindDays: number | null;
}

export interface DayGrid {
  readonly dates: readonly string[];
  readonly datasets: readonly string[];
  /** By `{dataset}/{date}`. */
  readonly cells: ReadonlyMap<string, DayCell>;
  readonly freshness: readonly Freshness[];
}

/** The datasets a range shows when none is named: those that run daily, and any with a record in the range. */
export async function datasetsOfRange(
  records: RecordStore,
  catalog: DatasetCatalog,
  range: { from: string; to: string },
): Promise<string[]> {
  const statuses = await records.listDayStatuses({ ...range, datasets: catalog.names });
  return catalog.shown(
    range.from,
    statuses.map((s) => s.dataset),
  );
}

/** The grid of `from..to`: the datasets named, else those that run daily and any with a record in the range. */
export async function dayGrid(
  records: RecordStore,
  catalog: DatasetCatalog,
  range: { from: string; to: string; datasets?: readonly string[] },
  now: Date,
): Promise<DayGrid> {
  const statuses = await records.listDayStatuses({
    from: range.from,
    to: range.to,
    datasets: range.datasets ?? catalog.names,
  });
  const datasets =
    range.datasets ??
    catalog.shown(
      range.from,
      statuses.map((s) => s.dataset),
    );
  const dates = datesInRange(range.from, range.to);
  const cells = dayCells((d) => catalog.dueHours(d), { dates, datasets }, statuses, now);
  return {
    dates,
    datasets,
    cells,
    freshness: datasets.map((d) => freshnessOf(d, dates, cells, catalog.dueHours(d), now)),
  };
}

function freshnessOf(
  dataset: string,
  dates: readonly string[],
  cells: ReadonlyMap<string, DayCell>,
  hours: number | null,
  now: Date,
): Freshness {
  const lastSucceeded =
    [...dates].reverse().find((date) => cells.get(cellKey(dataset, date))?.status === 'succeeded') ?? null;
  const latestDue = hours === null ? null : latestDueDay(hours, now);
  const behindDays =
    latestDue === null || lastSucceeded === null
      ? null
      : Math.max(0, Math.round((Date.parse(latestDue) - Date.parse(lastSucceeded)) / 86_400_000));
  return { dataset, lastSucceeded, latestDue, behindDays };
}
