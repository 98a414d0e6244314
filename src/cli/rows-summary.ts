/**
 * The rows of finished days as their records count them — read, written, rejected — and the file
 * that holds each day's rejected ones, for the summaries `--wait` prints: a rejected row is never
 * silent. Counted per day, as the records are: a file's rejected row is rejected in each day the
 * file covers.
 */
import type { Config } from '../config/index.js';
import { createStorage } from '../storage/index.js';
import type { DayRun } from '../storage/records.js';

/** Days listed one by one at most; past that, only the days with rejected rows. */
const DAYS_LISTED = 10;

const rejectedOf = (run: DayRun) => run.rows?.rejected ?? 0;

/** The days with a rejected row among `runs`. */
export function daysWithRejects(runs: readonly DayRun[]): number {
  return runs.filter((run) => rejectedOf(run) > 0).length;
}

/** `2024-04-04: 12 rows read, 11 written, 1 rejected (quarantine/…/x.rejects.jsonl)`, one line a day. */
export function rowsLines(runs: readonly DayRun[]): string[] {
  const shown = runs.length <= DAYS_LISTED ? runs : runs.filter((run) => rejectedOf(run) > 0);
  return [...shown]
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((run) => {
      const rows = run.rows ?? { read: 0, written: 0, rejected: 0 };
      const files = rows.rejected > 0 ? run.outputs.filter((key) => key.endsWith('.rejects.jsonl')) : [];
      return `${run.date}: ${rows.read} rows read, ${rows.written} written, ${rows.rejected} rejected${files.length > 0 ? ` (${files.join(', ')})` : ''}`;
    });
}

/**
 * Waits for `ended` (a backfill or an import followed to its end) while the record store opens,
 * then gives what it ended with and the rows of its range's records: the totals, then each
 * dataset-day with rejected rows and its rejects file (the first {@link DAYS_LISTED}, then a
 * count). The store opens during the wait rather than after it. Should the wait fail, its error is
 * the one thrown (the store, opened or not, closed).
 */
export async function rowsAfter<T>(
  config: Config,
  query: { readonly from: string; readonly to: string; readonly datasets: readonly string[] },
  ended: Promise<T>,
): Promise<{ readonly result: T; readonly text: string }> {
  const opening = createStorage(config);
  let result: T;
  try {
    result = await ended;
  } catch (error) {
    await opening.then(
      (storage) => storage.close(),
      () => undefined,
    );
    throw error;
  }
  const storage = await opening;
  let runs: DayRun[];
  try {
    runs = await storage.records.listDayRuns(query);
  } finally {
    await storage.close();
  }
  return { result, text: rowsText(runs) };
}

function rowsText(runs: readonly DayRun[]): string {
  const sum = (pick: (rows: NonNullable<DayRun['rows']>) => number) =>
    runs.reduce((n, run) => n + (run.rows ? pick(run.rows) : 0), 0);
  const rejecting = runs.filter((run) => rejectedOf(run) > 0);
  const lines = [
    `rows: ${sum((r) => r.read)} read, ${sum((r) => r.written)} written, ${sum((r) => r.rejected)} rejected, over ${runs.length} dataset-day(s)`,
    ...rejecting.slice(0, DAYS_LISTED).map((run) => `  ${run.dataset} ${rowsLines([run])[0] ?? ''}`),
    ...(rejecting.length > DAYS_LISTED
      ? [`  and ${rejecting.length - DAYS_LISTED} more dataset-day(s) with rejected rows`]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
