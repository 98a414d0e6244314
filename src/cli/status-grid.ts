/** Renders day records as a dataset × day grid with a completeness audit: nothing silently absent. */
import type { DayRun } from '../storage/records.js';

type Cell = 'succeeded' | 'failed' | 'running' | 'missing';

const SYMBOL: Record<Cell, string> = { succeeded: '✓', failed: '✗', running: '…', missing: '·' };
const COLOUR: Record<Cell, string> = {
  succeeded: '\u001b[32m',
  failed: '\u001b[31m',
  running: '\u001b[33m',
  missing: '\u001b[90m',
};
const RESET = '\u001b[0m';

export interface StatusCounts {
  readonly expected: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
  readonly missing: number;
}

export function statusGrid(
  dates: readonly string[],
  datasets: readonly string[],
  runs: readonly DayRun[],
  options: { colour: boolean },
): { text: string; counts: StatusCounts } {
  const byKey = new Map(runs.map((r) => [`${r.dataset}/${r.date}`, r]));
  const counts = { expected: dates.length * datasets.length, succeeded: 0, failed: 0, running: 0, missing: 0 };
  const width = Math.max(12, ...datasets.map((d) => d.length + 2));
  const paint = (cell: Cell, text: string) => (options.colour ? `${COLOUR[cell]}${text}${RESET}` : text);
  const lines = [`${'date'.padEnd(12)}${datasets.map((d) => d.padEnd(width)).join('')}notes`];
  for (const date of dates) {
    const notes: string[] = [];
    const cells = datasets.map((dataset) => {
      const run = byKey.get(`${dataset}/${date}`);
      const cell: Cell = run ? run.status : 'missing';
      counts[cell] += 1;
      if (run?.error) notes.push(`${dataset}: ${run.error.type}: ${run.error.message.slice(0, 100)}`);
      return paint(cell, `${SYMBOL[cell]} ${cell}`.padEnd(width));
    });
    lines.push(`${date.padEnd(12)}${cells.join('')}${notes.join('; ')}`.trimEnd());
  }
  lines.push(
    '',
    `${dates.length} days × ${datasets.length} datasets = ${counts.expected}: ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.running} running, ${counts.missing} missing`,
  );
  return { text: `${lines.join('\n')}\n`, counts };
}
