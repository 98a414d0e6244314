/**
 * RTE's downloadable eCO2mix files — `eCO2mix_RTE_En-cours-TR`, `eCO2mix_RTE_En-cours-Consolide`,
 * `eCO2mix_RTE_Annuel-Definitif_{YYYY}` — as a `.zip` or as the `.xls` inside, which is not Excel
 * but tab-separated text in Latin-1. Quirks handled: the zip, Latin-1 (UTF-8 also accepted), a BOM,
 * the literal `?` in a header label, one more trailing tab on data rows than on the header, the
 * disclaimer and blank lines after the data, `ND` and empty cells, rows that hold forecasts only,
 * Paris wall-clock times with the DST rule of `rte-time.ts`, older and newer column sets (matched
 * by name), `YYYY-MM-DD` or `DD/MM/YYYY` dates. A file that is not such a file (no tab-separated
 * header, a required column missing, a zip without one data file) throws BadDataError; a bad row
 * is rejected with its line and reason and the others kept.
 */
import { unzipSync } from 'fflate';
import { BadDataError } from '../../shared/errors.js';
import type { RejectedRow } from '../types.js';
import { describeFoundText } from './csv-body.js';
import { RTE_REQUIRED_COLUMNS, RTE_TEXT_COLUMNS, rteColumn, type RteColumn } from './rte-columns.js';
import { readRteDate, readRteTime, wallClockInstant } from './rte-time.js';
import type { Eco2mixSource } from './sources.js';
import { readMeasure } from './values.js';

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

export interface RteDay {
  readonly date: string;
  /** Kept rows of the day, every source, in file order. */
  readonly rows: readonly RteRow[];
  /** Rows with a consumption value (the day's points, before merging sources). */
  readonly points: number;
}

export interface RteFile {
  /** The name the file was given (the `.zip` or the `.xls`). */
  readonly name: string;
  /** The data file inside the zip, or null when the file was not a zip. */
  readonly entry: string | null;
  readonly encoding: 'latin1' | 'utf-8';
  /** Known columns found in the header, in header order. */
  readonly columns: readonly RteColumn[];
  /** Header labels courant does not know (ignored). */
  readonly ignoredColumns: readonly string[];
  readonly days: ReadonlyMap<string, RteDay>;
  readonly rejects: readonly RejectedRow[];
  /** Lines without a tab (the disclaimer after the data), with their text. */
  readonly notes: ReadonlyArray<{ readonly line: number; readonly text: string }>;
  /** Data rows read, kept or rejected. */
  readonly rowsRead: number;
}

/** Unzipped data files larger than this are refused (a zip bomb, or not an eCO2mix file). */
const MAX_DATA_BYTES = 256 * 1024 * 1024;
const DATA_FILE = /\.(xls|csv|tsv|txt)$/i;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((byte, i) => bytes[i] === byte);
}

/** The one data file inside a zip: its name and bytes. */
function unzipDataFile(bytes: Uint8Array, name: string): { entry: string; bytes: Uint8Array } {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (!DATA_FILE.test(file.name) || file.name.startsWith('__MACOSX/')) return false;
        if (file.originalSize > MAX_DATA_BYTES) {
          throw new BadDataError({ file: name }, `${file.name} unzips to more than ${MAX_DATA_BYTES} bytes`);
        }
        return true;
      },
    });
  } catch (cause) {
    if (cause instanceof BadDataError) throw cause;
    throw new BadDataError({ file: name }, `the zip cannot be read: ${String(cause)}`, { cause });
  }
  const entries = Object.entries(files);
  const [first] = entries;
  if (first === undefined) throw new BadDataError({ file: name }, 'the zip holds no .xls (or .csv) data file');
  if (entries.length > 1) {
    throw new BadDataError({ file: name }, `the zip holds several data files: ${entries.map(([n]) => n).join(', ')}`);
  }
  return { entry: first[0], bytes: first[1] };
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (RTE's encoding); without a BOM. */
function decode(bytes: Uint8Array): { text: string; encoding: RteFile['encoding'] } {
  let text: string;
  let encoding: RteFile['encoding'] = 'utf-8';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('latin1').decode(bytes);
    encoding = 'latin1';
  }
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, encoding };
}

function normalisedWords(text: string): string {
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

/** What RTE's file names say: `…En-cours-TR…` real time, `…Consolide…` / `…Definitif…` consolidated. */
export function sourceOfFileName(name: string): Eco2mixSource | null {
  const words = normalisedWords(name);
  if (/en-cours-tr(?![a-z])/.test(words)) return 'realtime';
  if (words.includes('consolide') || words.includes('definitif')) return 'consolidated';
  return null;
}

interface Header {
  readonly width: number;
  readonly indexOf: ReadonlyMap<RteColumn, number>;
  readonly ignored: readonly string[];
}

function readHeader(line: string, text: string, file: string): Header {
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

type RowReading = { readonly ok: true; readonly row: RteRow } | { readonly ok: false; readonly reject: RejectedRow };

interface RowContext {
  readonly header: Header;
  readonly fileSource: Eco2mixSource | null;
  /** Rows already seen per source, date and time, for the October rule. */
  readonly occurrences: Map<string, number>;
}

function readRow(line: number, fields: string[], ctx: RowContext): RowReading {
  const { header } = ctx;
  const reject = (reason: string, column?: RteColumn, value?: string): RowReading => ({
    ok: false,
    reject: { line, reason, ...(column ? { column } : {}), ...(value !== undefined ? { value } : {}) },
  });
  // Data rows end with one more tab than the header: trailing empty fields are not cells.
  while (fields.length > header.width && fields[fields.length - 1]?.trim() === '') fields.pop();
  if (fields.length !== header.width) {
    return reject(
      `expected ${header.width} fields like the header, found ${fields.length}`,
      undefined,
      fields.join('\t'),
    );
  }
  const cell = (column: RteColumn): string => {
    const index = header.indexOf.get(column);
    return index === undefined ? '' : (fields[index] ?? '').trim();
  };

  const date = readRteDate(cell('date'));
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
  return { ok: true, row: { line, source, instant: instant.instant, date, time, cells } };
}

/**
 * Parses a whole RTE file (zip or data file). `name` is the file's name: used in messages, and to
 * tell real time from consolidated data when rows carry no `Nature`.
 */
export function parseRteFile(bytes: Uint8Array, name: string): RteFile {
  const unzipped = isZip(bytes) ? unzipDataFile(bytes, name) : null;
  const file = unzipped ? `${name}!${unzipped.entry}` : name;
  const { text, encoding } = decode(unzipped?.bytes ?? bytes);
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  const header = readHeader(lines[headerIndex] ?? '', text, file);
  const ctx: RowContext = {
    header,
    fileSource: sourceOfFileName(unzipped?.entry ?? name) ?? sourceOfFileName(name),
    occurrences: new Map(),
  };

  const byDay = new Map<string, { rows: RteRow[]; points: number }>();
  const rejects: RejectedRow[] = [];
  const notes: Array<{ line: number; text: string }> = [];
  let rowsRead = 0;
  for (let i = headerIndex + 1; i < lines.length; i += 1) {
    const text = lines[i] ?? '';
    const line = i + 1;
    if (text.trim() === '') continue;
    if (!text.includes('\t')) {
      notes.push({ line, text: text.trim() });
      continue;
    }
    rowsRead += 1;
    const reading = readRow(line, text.split('\t'), ctx);
    if (!reading.ok) {
      rejects.push(reading.reject);
      continue;
    }
    const day = byDay.get(reading.row.date) ?? { rows: [], points: 0 };
    day.rows.push(reading.row);
    if (reading.row.cells.get('consommation') != null) day.points += 1;
    byDay.set(reading.row.date, day);
  }

  const days = new Map<string, RteDay>();
  for (const date of [...byDay.keys()].sort()) {
    const day = byDay.get(date);
    if (day) days.set(date, { date, ...day });
  }
  return {
    name,
    entry: unzipped?.entry ?? null,
    encoding,
    columns: [...header.indexOf.keys()],
    ignoredColumns: header.ignored,
    days,
    rejects,
    notes,
    rowsRead,
  };
}

/** Days with at least one consumption value, in order: the days an import runs. */
export function coveredDays(file: RteFile): string[] {
  return [...file.days.values()].filter((day) => day.points > 0).map((day) => day.date);
}
