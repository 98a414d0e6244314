/**
 * The rows of finished days as their records count them — read, written, rejected — and the files
 * that hold the rejected ones, for the summaries `--wait` prints: a rejected row is never silent.
 */
import type { DayRun } from '../storage/records.js';

/** Rejects files named in full before the rest are counted. */
const NAMED_FILES = 5;

export interface RowsSummary {
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  /** The rejects files of the days with a rejected row. */
  readonly rejectsFiles: readonly string[];
}

export function rowsOf(runs: readonly DayRun[]): RowsSummary {
  const sum = (pick: (run: DayRun) => number) => runs.reduce((n, run) => n + pick(run), 0);
  return {
    read: sum((run) => run.rows?.read ?? 0),
    written: sum((run) => run.rows?.written ?? 0),
    rejected: sum((run) => run.rows?.rejected ?? 0),
    rejectsFiles: runs
      .filter((run) => (run.rows?.rejected ?? 0) > 0)
      .flatMap((run) => run.outputs.filter((key) => key.endsWith('.rejects.jsonl'))),
  };
}

/** `12 rows read, 11 written, 1 rejected (quarantine/…/x.rejects.jsonl)`. */
export function rowsText(rows: RowsSummary): string {
  const files = rows.rejectsFiles;
  const where =
    files.length === 0
      ? ''
      : ` (${files.slice(0, NAMED_FILES).join(', ')}${files.length > NAMED_FILES ? ` and ${files.length - NAMED_FILES} more` : ''})`;
  return `${rows.read} rows read, ${rows.written} written, ${rows.rejected} rejected${where}`;
}
