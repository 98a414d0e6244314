/**
 * The rows of finished days — read, written, rejected — and the file that holds each day's rejected
 * ones, for the summaries `--wait` prints: a rejected row is never silent. Counted per day, as the
 * records are: a file's rejected row is rejected in each day the file covers. `ingest` reads them
 * from the day records; a backfill (and an import) counts them as its days end.
 */
import type { DayRun } from '../storage/records.js';
import type { RowCounts, RowsTally } from '../workflow-safe/rows-tally.js';

/** Days listed one by one at most; past that, only the days with rejected rows. */
const DAYS_LISTED = 10;

const rejectedOf = (run: DayRun) => run.rows?.rejected ?? 0;

/** The days with a rejected row among `runs`. */
export function daysWithRejects(runs: readonly DayRun[]): number {
  return runs.filter((run) => rejectedOf(run) > 0).length;
}

/** `2024-04-04: 12 rows read, 11 written, 1 rejected (quarantine/…/x.rejects.jsonl)`. */
function dayLine(date: string, rows: RowCounts, rejectFiles: readonly string[]): string {
  const files = rejectFiles.length > 0 ? ` (${rejectFiles.join(', ')})` : '';
  return `${date}: ${rows.read} rows read, ${rows.written} written, ${rows.rejected} rejected${files}`;
}

/** One {@link dayLine} a day of `runs`: every day when few, else those with rejected rows. */
export function rowsLines(runs: readonly DayRun[]): string[] {
  const shown = runs.length <= DAYS_LISTED ? runs : runs.filter((run) => rejectedOf(run) > 0);
  return [...shown]
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((run) => {
      const rows = run.rows ?? { read: 0, written: 0, rejected: 0 };
      return dayLine(
        run.date,
        rows,
        rows.rejected > 0 ? run.outputs.filter((key) => key.endsWith('.rejects.jsonl')) : [],
      );
    });
}

/**
 * What a backfill's summary says of its rows (`summary.rows`, kept by the workflow): the totals, then
 * each dataset-day with rejected rows and its rejects file (the first ten, then a count). A backfill
 * started by a courant before it counted rows says nothing of them: the records do (`courant status`).
 */
export function rowsText(tally: RowsTally | undefined): string {
  if (!tally)
    return 'rows: not counted by this backfill (started by an earlier courant); `courant status` shows its days\n';
  const lines = [
    `rows: ${tally.read} read, ${tally.written} written, ${tally.rejected} rejected, over ${tally.days} dataset-day(s)`,
    ...tally.rejecting.map(
      (day) => `  ${day.dataset} ${dayLine(day.date, day, day.rejectsKey ? [day.rejectsKey] : [])}`,
    ),
    ...(tally.moreRejecting > 0 ? [`  and ${tally.moreRejecting} more dataset-day(s) with rejected rows`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
