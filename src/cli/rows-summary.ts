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
 * The rows of a range's records once a backfill or an import ends: the totals, then each
 * dataset-day with rejected rows and its rejects file (the first {@link DAYS_LISTED}, then a count).
 */
export async function rangeRowsText(
  config: Config,
  query: { readonly from: string; readonly to: string; readonly datasets: readonly string[] },
): Promise<string> {
  const storage = await createStorage(config);
  let runs: DayRun[];
  try {
    runs = await storage.records.listDayRuns(query);
  } finally {
    await storage.close();
  }
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
