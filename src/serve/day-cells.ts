/**
 * The status of every (dataset, day) of a range, as the console shows it: succeeded, failed,
 * blocked (a blocking quality check stopped it), running, no data (it never will have any), outputs
 * missing (`courant verify` found what it wrote missing or changed),
 * missing (no record, not due yet or never late), late (no record past its dataset's due time).
 * Reads the statuses of the range at once (each with its error's type), never a whole record.
 */
import { dailyDatasetNames, registeredCatalog } from '../datasets/catalog.js';
import { DATASET_NAMES } from '../datasets/registry.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { isDue, latestDueDay } from '../workflow-safe/freshness.js';
import { datesInRange } from '../workflow-safe/partition.js';
import type { Config } from '../config/index.js';
import type { RecordStore } from '../storage/records.js';

export const CELL_STATUSES = [
  'succeeded',
  'failed',
  'blocked',
  'running',
  'noData',
  'missing',
  'late',
  // `courant verify` found outputs of a succeeded day missing or changed.
  'outputsMissing',
] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/** How each status reads in the console. */
export const CELL_LABELS: Record<CellStatus, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  blocked: 'blocked',
  running: 'running',
  noData: 'no data',
  missing: 'missing',
  late: 'late',
  outputsMissing: 'outputs missing',
};

export interface DayCell {
  readonly dataset: string;
  readonly date: string;
  readonly status: CellStatus;
}

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

export function dueHoursOf(config: Config): (dataset: string) => number | null {
  const catalog = registeredCatalog(config.datasets);
  return (name) => {
    const { module, config: own } = catalog.get(name);
    return module.dueHours?.(own) ?? null;
  };
}

/** A failed day: blocked by a quality check, without data for good, its outputs gone, or failed. */
function failedCell(type: string | null): CellStatus {
  if (type === ErrorType.DataQuality) return 'blocked';
  if (type === ErrorType.OutputsMissing) return 'outputsMissing';
  return type === ErrorType.NoData ? 'noData' : 'failed';
}

/** The datasets a range shows when none is named: those that run daily, and any with a record in the range. */
export async function datasetsOfRange(
  records: RecordStore,
  config: Config,
  range: { from: string; to: string },
): Promise<string[]> {
  const statuses = await records.listDayStatuses({ ...range, datasets: DATASET_NAMES });
  const daily = dailyDatasetNames(registeredCatalog(config.datasets), range.from);
  return DATASET_NAMES.filter((d) => daily.includes(d) || statuses.some((s) => s.dataset === d));
}

/** The grid of `from..to`: the datasets named, else those that run daily and any with a record in the range. */
export async function dayGrid(
  records: RecordStore,
  config: Config,
  range: { from: string; to: string; datasets?: readonly string[] },
  now: Date,
): Promise<DayGrid> {
  const statuses = await records.listDayStatuses({
    from: range.from,
    to: range.to,
    datasets: range.datasets ?? DATASET_NAMES,
  });
  const daily = dailyDatasetNames(registeredCatalog(config.datasets), range.from);
  const datasets =
    range.datasets ?? DATASET_NAMES.filter((d) => daily.includes(d) || statuses.some((s) => s.dataset === d));
  const dueHours = dueHoursOf(config);
  const dates = datesInRange(range.from, range.to);
  const byKey = new Map(statuses.map((s) => [`${s.dataset}/${s.date}`, s]));
  const cells = new Map<string, DayCell>();
  for (const dataset of datasets) {
    const hours = dueHours(dataset);
    for (const date of dates) {
      const key = `${dataset}/${date}`;
      const recorded = byKey.get(key);
      const status: CellStatus =
        recorded === undefined
          ? isDue(date, hours, now)
            ? 'late'
            : 'missing'
          : recorded.status === 'failed'
            ? failedCell(recorded.errorType)
            : recorded.status;
      cells.set(key, { dataset, date, status });
    }
  }
  return { dates, datasets, cells, freshness: datasets.map((d) => freshnessOf(d, dates, cells, dueHours(d), now)) };
}

function freshnessOf(
  dataset: string,
  dates: readonly string[],
  cells: ReadonlyMap<string, DayCell>,
  hours: number | null,
  now: Date,
): Freshness {
  const lastSucceeded =
    [...dates].reverse().find((date) => cells.get(`${dataset}/${date}`)?.status === 'succeeded') ?? null;
  const latestDue = hours === null ? null : latestDueDay(hours, now);
  const behindDays =
    latestDue === null || lastSucceeded === null
      ? null
      : Math.max(0, Math.round((Date.parse(latestDue) - Date.parse(lastSucceeded)) / 86_400_000));
  return { dataset, lastSucceeded, latestDue, behindDays };
}
