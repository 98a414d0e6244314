/**
 * Renders day records as a dataset × day grid with a completeness audit: nothing silently absent.
 * A day without a record past its dataset's due time is late; its notes say when it was due. A
 * day's notes also give its error, and the quality checks that warned or that an operator accepted.
 * A day that failed because it has no data and never will (NoData: a snapshot source never collected
 * that day) is `no data`, not a failure to mend; one a blocking quality check stopped is `blocked`.
 * The statuses, symbols and colours are those of src/day-status, as the console shows them.
 */
import { cellKey, dayCells } from '../day-status/cells.js';
import {
  countStatuses,
  DAY_STATUS_COLOUR,
  DAY_STATUS_LABEL,
  DAY_STATUS_SYMBOL,
  type DayStatusName,
} from '../day-status/status.js';
import { dueAt, parisDueTime } from '../workflow-safe/freshness.js';
import { warningChecks } from '../workflow-safe/quality.js';
import type { DayRun } from '../storage/records.js';

const RESET = '\u001b[0m';

/** Characters of a note a range's grid shows; a longer one is cut at a word, saying where it is whole. */
const NOTE_CHARS = 120;

function shortNote(note: string, date: string): string {
  if (note.length <= NOTE_CHARS) return note;
  const cut = note.lastIndexOf(' ', NOTE_CHARS);
  return `${note.slice(0, cut > 0 ? cut : NOTE_CHARS)} … (whole note: courant status --date ${date})`;
}

/**
 * The days of each status, and `expected`: every (dataset, day) of the grid. `missing`: no record,
 * not due yet or of a dataset whose days are never late; `late`: no record past the due time;
 * `noData`: failed as NoData, nothing to re-run; `blocked`: stopped by a blocking quality check.
 */
export type StatusCounts = Readonly<Record<DayStatusName | 'expected', number>>;

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
    /** Every note whole (one day shown); else each cut at NOTE_CHARS, at a word. */
    wholeNotes?: boolean;
  },
): { text: string; counts: StatusCounts } {
  const byKey = new Map(runs.map((r) => [cellKey(r.dataset, r.date), r]));
  const recorded = runs.map((r) => ({
    dataset: r.dataset,
    date: r.date,
    status: r.status,
    errorType: r.error?.type ?? null,
  }));
  const statuses = dayCells(options.dueHours, { dates, datasets }, recorded, options.now);
  const counts = { expected: dates.length * datasets.length, ...countStatuses(statuses.values()) };
  const width = Math.max(12, ...datasets.map((d) => d.length + 2));
  const paint = (cell: DayStatusName, text: string) =>
    options.colour ? `${DAY_STATUS_COLOUR[cell].terminal}${text}${RESET}` : text;
  const lines = [`${'date'.padEnd(12)}${datasets.map((d) => d.padEnd(width)).join('')}notes`];
  for (const date of dates) {
    const notes: string[] = [];
    const cells = datasets.map((dataset) => {
      const run = byKey.get(cellKey(dataset, date));
      const cell = statuses.get(cellKey(dataset, date))?.status ?? 'missing';
      const note = (text: string) =>
        notes.push(`${dataset}: ${options.wholeNotes === true ? text : shortNote(text, date)}`);
      if (cell === 'late') note(`late, due ${parisDueTime(dueAt(date, options.dueHours(dataset) ?? 0))}`);
      if (run?.error) note(`${run.error.type}: ${run.error.message}`);
      const warned = warningChecks(run?.checks ?? []);
      if (warned.length > 0)
        note(`checks ${warned.map((c) => (c.accepted ? `${c.name} (accepted)` : c.name)).join(', ')}`);
      for (const text of options.notes?.get(cellKey(dataset, date)) ?? []) note(text);
      return paint(cell, `${DAY_STATUS_SYMBOL[cell]} ${DAY_STATUS_LABEL[cell]}`.padEnd(width));
    });
    lines.push(`${date.padEnd(12)}${cells.join('')}${notes.join('; ')}`.trimEnd());
  }
  lines.push(
    '',
    `${dates.length} days × ${datasets.length} datasets = ${counts.expected}: ${counts.succeeded} succeeded, ${counts.failed} failed${counts.blocked > 0 ? `, ${counts.blocked} blocked` : ''}, ${counts.running} running${counts.cancelled > 0 ? `, ${counts.cancelled} cancelled` : ''}, ${counts.missing} missing, ${counts.late} late${counts.noData > 0 ? `, ${counts.noData} without data` : ''}${counts.outputsMissing > 0 ? `, ${counts.outputsMissing} with outputs missing` : ''}`,
  );
  return { text: `${lines.join('\n')}\n`, counts };
}
