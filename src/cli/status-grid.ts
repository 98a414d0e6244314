/**
 * Renders day records as a dataset × day grid with a completeness audit: nothing silently absent.
 * A day without a record past its dataset's due time is late; its notes say when it was due. A
 * day's notes also give its error, and the quality checks that warned or that an operator accepted.
 * A day that failed because it has no data and never will (NoData: a snapshot source never collected
 * that day) is `no data`, not a failure to mend.
 */
import { ErrorType } from '../workflow-safe/errors.js';
import { dueAt, isDue, parisDueTime } from '../workflow-safe/freshness.js';
import { warningChecks } from '../workflow-safe/quality.js';
import type { DayRun } from '../storage/records.js';

type Cell = 'succeeded' | 'failed' | 'running' | 'missing' | 'late' | 'noData' | 'outputsMissing';

const SYMBOL: Record<Cell, string> = {
  succeeded: '✓',
  failed: '✗',
  running: '…',
  missing: '·',
  late: '!',
  noData: '∅',
  outputsMissing: '?',
};
const LABEL: Record<Cell, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  running: 'running',
  missing: 'missing',
  late: 'late',
  noData: 'no data',
  outputsMissing: 'outputs missing',
};
const COLOUR: Record<Cell, string> = {
  succeeded: '\u001b[32m',
  failed: '\u001b[31m',
  running: '\u001b[33m',
  missing: '\u001b[90m',
  late: '\u001b[31m',
  noData: '\u001b[90m',
  outputsMissing: '\u001b[35m',
};
const RESET = '\u001b[0m';

export interface StatusCounts {
  readonly expected: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
  /** Days without a record that are not due yet, or of a dataset whose days are never late. */
  readonly missing: number;
  /** Days without a record past their due time. */
  readonly late: number;
  /** Days that have no data and never will (failed as NoData): nothing to re-run. */
  readonly noData: number;
  /** Succeeded days whose outputs `courant verify` found missing or changed: re-run by `backfill --mode missing`. */
  readonly outputsMissing: number;
}

function cellOf(run: DayRun | undefined, due: boolean): Cell {
  if (!run) return due ? 'late' : 'missing';
  if (run.status !== 'failed') return run.status;
  if (run.error?.type === ErrorType.NoData) return 'noData';
  return run.error?.type === ErrorType.OutputsMissing ? 'outputsMissing' : 'failed';
}

export function statusGrid(
  dates: readonly string[],
  datasets: readonly string[],
  runs: readonly DayRun[],
  options: {
    colour: boolean;
    /** When each dataset's days are due: hours after the Paris day's end, null when never late. */
    dueHours: (dataset: string) => number | null;
    now: Date;
    /** Notes a dataset's module adds to its days (`statusNotes`), by `{dataset}/{date}`. */
    notes?: ReadonlyMap<string, readonly string[]>;
  },
): { text: string; counts: StatusCounts } {
  const byKey = new Map(runs.map((r) => [`${r.dataset}/${r.date}`, r]));
  const counts = {
    expected: dates.length * datasets.length,
    succeeded: 0,
    failed: 0,
    running: 0,
    missing: 0,
    late: 0,
    noData: 0,
    outputsMissing: 0,
  };
  const width = Math.max(12, ...datasets.map((d) => d.length + 2));
  const paint = (cell: Cell, text: string) => (options.colour ? `${COLOUR[cell]}${text}${RESET}` : text);
  const lines = [`${'date'.padEnd(12)}${datasets.map((d) => d.padEnd(width)).join('')}notes`];
  for (const date of dates) {
    const notes: string[] = [];
    const cells = datasets.map((dataset) => {
      const run = byKey.get(`${dataset}/${date}`);
      const hours = options.dueHours(dataset);
      const cell = cellOf(run, isDue(date, hours, options.now));
      counts[cell] += 1;
      if (cell === 'late') notes.push(`${dataset}: late, due ${parisDueTime(dueAt(date, hours ?? 0))}`);
      if (run?.error) notes.push(`${dataset}: ${run.error.type}: ${run.error.message.slice(0, 100)}`);
      const warned = warningChecks(run?.checks ?? []);
      if (warned.length > 0) {
        const names = warned.map((c) => (c.accepted ? `${c.name} (accepted)` : c.name)).join(', ');
        notes.push(`${dataset}: checks ${names}`);
      }
      for (const note of options.notes?.get(`${dataset}/${date}`) ?? []) notes.push(`${dataset}: ${note}`);
      return paint(cell, `${SYMBOL[cell]} ${LABEL[cell]}`.padEnd(width));
    });
    lines.push(`${date.padEnd(12)}${cells.join('')}${notes.join('; ')}`.trimEnd());
  }
  lines.push(
    '',
    `${dates.length} days × ${datasets.length} datasets = ${counts.expected}: ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.running} running, ${counts.missing} missing, ${counts.late} late${counts.noData > 0 ? `, ${counts.noData} without data` : ''}${counts.outputsMissing > 0 ? `, ${counts.outputsMissing} with outputs missing` : ''}`,
  );
  return { text: `${lines.join('\n')}\n`, counts };
}
