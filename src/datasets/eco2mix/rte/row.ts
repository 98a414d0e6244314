/**
 * The lines of an RTE downloadable file, one at a time: its header, then each line as a kept row,
 * a rejected row (with its line, reason and the day it names, when it names one), or a line that
 * is not a row for a named reason (blank, RTE's disclaimer). Nothing is dropped without a reason.
 */
import { BadDataError } from '../../../workflow-safe/errors.js';
import type { RejectedRow } from '../../types.js';
import { describeFoundText } from '../csv-body.js';
import { RTE_REQUIRED_COLUMNS, RTE_TEXT_COLUMNS, rteColumn, type RteColumn } from './columns.js';
import { readRteDate, readRteTime, wallClockInstant } from './time.js';
import type { Eco2mixSource } from '../sources.js';
import { readMeasure } from '../values.js';

/** One kept row: where it was, which source it feeds, its instant and its cells by column. */
export interface RteRow {
  readonly line: number;
  readonly source: Eco2mixSource;
  /** UTC instant, ms. */
  readonly instant: number;
  readonly date: string;
  readonly time: string;
  /** Text cells (`perimetre`, `nature`) and measures (MW, null when missing), by column. */
  readonly cells: ReadonlyMap<RteColumn, string | number | null>;
}

/** Why a line of the file is not a row. */
export type RteSkip = 'header' | 'blank' | 'disclaimer';

export type RteLineReading =
  | { readonly kind: 'kept'; readonly row: RteRow }
  | { readonly kind: 'rejected'; readonly reject: RejectedRow; readonly date: string | null }
  | { readonly kind: 'skipped'; readonly reason: RteSkip };

export interface RteHeader {
  readonly width: number;
  readonly indexOf: ReadonlyMap<RteColumn, number>;
  readonly ignored: readonly string[];
}

export interface RowContext {
  readonly header: RteHeader;
  readonly fileSource: Eco2mixSource | null;
  /** Rows already seen per source, date and time, for the October rule. */
  readonly occurrences: Map<string, number>;
}

/** Characters of a rejected line kept as its value: a reject never holds a whole runaway line. */
const MAX_VALUE_CHARS = 200;
/**
 * The longest line read as a row (characters): the longest line of RTE's files we hold is 515
 * characters. A longer one is rejected with its line, its start and its length, and the file goes on.
 */
export const MAX_RTE_LINE_CHARS = 64 * 1024;
/** Characters of a rejected line searched for the day it names (the date is the third column). */
const DATE_SEARCH_CHARS = 256;

/** Lower case, without accents: how names and natures are compared. */
export function normalisedWords(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** `Données temps réel` → realtime; `Données consolidées`, `Données définitives` → consolidated. */
export function sourceOfNature(nature: string): Eco2mixSource | null {
  const words = normalisedWords(nature);
  if (words.includes('temps reel')) return 'realtime';
  if (words.includes('consolid') || words.includes('definiti')) return 'consolidated';
  return null;
}

/** Maps the header line to columns; throws BadDataError on line 1 when it is not an RTE header. */
export function readRteHeader(line: string, text: string, file: string): RteHeader {
  if (!line.includes('\t')) {
    throw new BadDataError(
      { file, line: 1 },
      `expected the tab-separated header of an RTE eCO2mix file (Périmètre, Nature, Date, Heures, Consommation, …), found ${describeFoundText(text)}`,
    );
  }
  const labels = line.split('\t').map((label) => label.trim());
  while (labels.length > 0 && labels[labels.length - 1] === '') labels.pop();
  const indexOf = new Map<RteColumn, number>();
  const ignored: string[] = [];
  labels.forEach((label, index) => {
    const column = rteColumn(label);
    if (column === null) {
      if (label !== '') ignored.push(label);
      return;
    }
    if (indexOf.has(column)) {
      throw new BadDataError({ file, line: 1, column }, `the header names column ${column} twice ("${label}")`);
    }
    indexOf.set(column, index);
  });
  const missing = RTE_REQUIRED_COLUMNS.filter((column) => !indexOf.has(column));
  const [firstMissing] = missing;
  if (firstMissing !== undefined) {
    throw new BadDataError(
      { file, line: 1, column: firstMissing },
      `the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  }
  return { width: labels.length, indexOf, ignored };
}

function excerpt(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** The first date written in the start of a line, however its fields are separated. */
function dateNamedIn(text: string): string | null {
  for (const word of text.slice(0, DATE_SEARCH_CHARS).split(/\s+/)) {
    const date = readRteDate(word);
    if (date !== null) return date;
  }
  return null;
}

function readRow(line: number, text: string, ctx: RowContext): RteLineReading {
  const { header } = ctx;
  let date: string | null = null;
  const reject = (reason: string, column?: RteColumn, value?: string): RteLineReading => ({
    kind: 'rejected',
    reject: { line, reason, ...(column ? { column } : {}), ...(value !== undefined ? { value } : {}) },
    date,
  });
  const fields = text.split('\t');
  // Data rows end with one more tab than the header: trailing empty fields are not cells.
  while (fields.length > header.width && fields[fields.length - 1]?.trim() === '') fields.pop();
  if (fields.length !== header.width) {
    date = dateNamedIn(text);
    return reject(
      `expected ${header.width} fields like the header, found ${fields.length}`,
      undefined,
      excerpt(fields.join('\t')),
    );
  }
  const cell = (column: RteColumn): string => {
    const index = header.indexOf.get(column);
    return index === undefined ? '' : (fields[index] ?? '').trim();
  };

  date = readRteDate(cell('date'));
  if (date === null) return reject('date is not a day written YYYY-MM-DD or DD/MM/YYYY', 'date', cell('date'));
  const time = readRteTime(cell('heure'));
  if (time === null) return reject('heure is not a time written HH:MM', 'heure', cell('heure'));
  const perimetre = cell('perimetre');
  if (perimetre !== '' && normalisedWords(perimetre) !== 'france') {
    return reject(`perimetre is "${perimetre}": courant reads national (France) files`, 'perimetre', perimetre);
  }
  const nature = cell('nature');
  const source = sourceOfNature(nature) ?? ctx.fileSource;
  if (source === null) {
    return reject(`cannot tell real-time from consolidated data: nature is "${nature}"`, 'nature', nature);
  }

  const cells = new Map<RteColumn, string | number | null>();
  for (const [column] of header.indexOf) {
    if (RTE_TEXT_COLUMNS.has(column)) continue;
    const reading = readMeasure(cell(column));
    if (!reading.ok) return reject(`${column} is ${reading.reason}`, column, cell(column));
    cells.set(column, reading.value);
  }
  cells.set('perimetre', perimetre === '' ? null : perimetre);
  cells.set('nature', nature === '' ? null : nature);

  const key = `${source} ${date} ${time}`;
  const occurrence = ctx.occurrences.get(key) ?? 0;
  ctx.occurrences.set(key, occurrence + 1);
  const instant = wallClockInstant(date, time, occurrence);
  if (!instant.ok) return reject(instant.reason, 'heure', `${cell('date')} ${cell('heure')}`);
  return { kind: 'kept', row: { line, source, instant: instant.instant, date, time, cells } };
}

/** A row past `MAX_RTE_LINE_CHARS`, rejected with its start and its length. */
function tooLong(line: number, text: string): RteLineReading {
  return {
    kind: 'rejected',
    reject: {
      line,
      value: excerpt(text),
      reason: `the line is ${text.length} characters long, more than the ${MAX_RTE_LINE_CHARS} a row may hold`,
    },
    date: dateNamedIn(text),
  };
}

/**
 * One line after the header: blank (nothing but spaces and tabs) and RTE's disclaimer
 * (`RTE ne pourra être tenu responsable…`) are skipped; any other line without a tab is rejected,
 * like a row with the wrong number of fields; a row is kept or rejected with its reason, a row longer than `MAX_RTE_LINE_CHARS` rejected unread.
 */
export function readRteLine(line: number, text: string, ctx: RowContext): RteLineReading {
  if (text.trim() === '') return { kind: 'skipped', reason: 'blank' };
  if (text.includes('\t')) return text.length > MAX_RTE_LINE_CHARS ? tooLong(line, text) : readRow(line, text, ctx);
  if (normalisedWords(text.trimStart().slice(0, 40)).startsWith('rte ne pourra')) {
    return { kind: 'skipped', reason: 'disclaimer' };
  }
  return {
    kind: 'rejected',
    reject: {
      line,
      value: excerpt(text),
      reason: `expected ${ctx.header.width} tab-separated fields like the header, found a line of ${text.length} characters without a tab`,
    },
    date: dateNamedIn(text),
  };
}
