/**
 * RTE's downloadable eCO2mix files — `eCO2mix_RTE_En-cours-TR`, `eCO2mix_RTE_En-cours-Consolide`,
 * `eCO2mix_RTE_Annuel-Definitif_{YYYY}` — as a `.zip` or as the `.xls` inside, which is not Excel
 * but tab-separated text in Latin-1. Quirks handled: the zip, Latin-1 (UTF-8 also accepted), a BOM,
 * the literal `?` in a header label, one more trailing tab on data rows than on the header, the
 * disclaimer and blank lines after the data, `ND` and empty cells, rows that hold forecasts only,
 * Paris wall-clock times with the DST rule of `time.ts`, older and newer column sets (matched
 * by name), `YYYY-MM-DD` or `DD/MM/YYYY` dates. A file that is not such a file (UTF-16, binary, no
 * tab-separated header, a required column missing, a zip without one data file) throws
 * BadDataError; a bad row — a line without a tab included — is rejected with its line and reason
 * and the others kept. Every line is accounted for: read = kept + rejected + skipped by reason.
 */
import type { RejectedRow } from '../../types.js';
import type { RowAccounting } from '../accounting.js';
import { readRteText, type RteEncoding } from './bytes.js';
import type { RteColumn } from './columns.js';
import { normalisedWords, readRteHeader, readRteLine, type RowContext, type RteRow, type RteSkip } from './row.js';
import type { Eco2mixSource } from '../sources.js';

export type { RteRow, RteSkip } from './row.js';

export interface RteDay {
  readonly date: string;
  /** Kept rows of the day, every source, in file order. */
  readonly rows: readonly RteRow[];
  /** Rows with a consumption value (the day's points, before merging sources). */
  readonly points: number;
  /** Rejected lines that name the day (its rows that could not be kept), in file order. */
  readonly rejects: readonly RejectedRow[];
}

export interface RteFile {
  /** The name the file was given (the `.zip` or the `.xls`). */
  readonly name: string;
  /** The data file inside the zip, or null when the file was not a zip. */
  readonly entry: string | null;
  readonly encoding: RteEncoding;
  /** Known columns found in the header, in header order. */
  readonly columns: readonly RteColumn[];
  /** Header labels courant does not know (ignored). */
  readonly ignoredColumns: readonly string[];
  readonly days: ReadonlyMap<string, RteDay>;
  /** Every rejected line, in file order (also those that name no day). */
  readonly rejects: readonly RejectedRow[];
  /** Every line of the data file: read = kept + rejected + skipped (header, blank, disclaimer). */
  readonly accounting: RowAccounting<RteSkip>;
}

/** What RTE's file names say: `…En-cours-TR…` real time, `…Consolide…` / `…Definitif…` consolidated. */
export function sourceOfFileName(name: string): Eco2mixSource | null {
  const words = normalisedWords(name);
  if (/en-cours-tr(?![a-z])/.test(words)) return 'realtime';
  if (words.includes('consolide') || words.includes('definitif')) return 'consolidated';
  return null;
}

/**
 * The lines of a text, numbered from 1, without their `\n` or `\r\n`; a line end at the very end
 * starts no line. One line at a time, so that no array of every line is built.
 */
function* textLines(text: string): Generator<readonly [number, string]> {
  let start = 0;
  for (let line = 1; start < text.length; line += 1) {
    const next = text.indexOf('\n', start);
    const end = next < 0 ? text.length : next;
    yield [line, text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end)];
    start = end + 1;
  }
}

interface DayBuilder {
  rows: RteRow[];
  points: number;
  rejects: RejectedRow[];
}

function dayOf(byDay: Map<string, DayBuilder>, date: string): DayBuilder {
  const day = byDay.get(date) ?? { rows: [], points: 0, rejects: [] };
  byDay.set(date, day);
  return day;
}

/**
 * Parses a whole RTE file (zip or data file). `name` is the file's name: used in messages, and to
 * tell real time from consolidated data when rows carry no `Nature`.
 */
export function parseRteFile(bytes: Uint8Array, name: string): RteFile {
  const { entry, file, encoding, text } = readRteText(bytes, name);
  const skipped: Record<RteSkip, number> = { header: 0, blank: 0, disclaimer: 0 };
  const lines = textLines(text);
  let read = 0;
  let next = lines.next();
  while (!next.done && next.value[1].trim() === '') {
    read += 1;
    skipped.blank += 1;
    next = lines.next();
  }
  const header = readRteHeader(next.done ? '' : next.value[1], text, file);
  read += 1;
  skipped.header += 1;
  const ctx: RowContext = {
    header,
    fileSource: sourceOfFileName(entry ?? name) ?? sourceOfFileName(name),
    occurrences: new Map(),
  };

  const byDay = new Map<string, DayBuilder>();
  const rejects: RejectedRow[] = [];
  let kept = 0;
  for (const [line, content] of lines) {
    read += 1;
    const reading = readRteLine(line, content, ctx);
    if (reading.kind === 'skipped') {
      skipped[reading.reason] += 1;
    } else if (reading.kind === 'rejected') {
      rejects.push(reading.reject);
      if (reading.date !== null) dayOf(byDay, reading.date).rejects.push(reading.reject);
    } else {
      kept += 1;
      const day = dayOf(byDay, reading.row.date);
      day.rows.push(reading.row);
      if (reading.row.cells.get('consommation') != null) day.points += 1;
    }
  }

  const days = new Map<string, RteDay>();
  for (const date of [...byDay.keys()].sort()) {
    const day = byDay.get(date);
    if (day) days.set(date, { date, ...day });
  }
  return {
    name,
    entry,
    encoding,
    columns: [...header.indexOf.keys()],
    ignoredColumns: header.ignored,
    days,
    rejects,
    accounting: { read, kept, rejected: rejects.length, skipped },
  };
}

/** Days with at least one consumption value, in order: the days an import runs. */
export function coveredDays(file: RteFile): string[] {
  return [...file.days.values()].filter((day) => day.points > 0).map((day) => day.date);
}
