/** Reading and checking the header line of an eCO2mix CSV export. */
import { parse } from 'csv-parse/sync';
import { BadDataError } from '../../workflow-safe/errors.js';
import { canonicalColumn, REQUIRED_COLUMNS, type Eco2mixColumnName } from './columns.js';
import { describeFoundText } from './csv-body.js';

export type CsvDelimiter = ';' | ',';

export interface Eco2mixHeader {
  readonly delimiter: CsvDelimiter;
  /** Number of fields every row must have. */
  readonly width: number;
  /** Field index of each kept column found in the header. */
  readonly indexOf: ReadonlyMap<Eco2mixColumnName, number>;
}

/** `;` as the API and the portal export, `,` when the header has no `;` but has commas. */
function detectDelimiter(headerLine: string): CsvDelimiter {
  return !headerLine.includes(';') && headerLine.includes(',') ? ',' : ';';
}

/**
 * The line's labels. The record delimiters are named: left to find them itself, csv-parse looks for
 * them at every character of the line, several times the work, for every file a day reads.
 */
function splitHeader(headerLine: string, delimiter: CsvDelimiter, file: string): string[] {
  try {
    const [labels] = parse(headerLine, { delimiter, relax_quotes: true, record_delimiter: ['\r\n', '\n', '\r'] });
    return labels ?? [];
  } catch (cause) {
    throw new BadDataError({ file, line: 1 }, `the header is not valid CSV: ${String(cause)}`, { cause });
  }
}

/**
 * Maps the first line of `text` (BOM already removed) to canonical columns.
 * Throws BadDataError on line 1 when the header is not an eCO2mix header, names a column twice,
 * or lacks a required column.
 */
export function readEco2mixHeader(text: string, file: string): Eco2mixHeader {
  const headerLine = (text.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  const delimiter = detectDelimiter(headerLine);
  const labels = splitHeader(headerLine, delimiter, file);
  const indexOf = new Map<Eco2mixColumnName, number>();
  labels.forEach((label, index) => {
    const column = canonicalColumn(label);
    if (column === null) return;
    if (indexOf.has(column)) {
      throw new BadDataError({ file, line: 1, column }, `the header names column ${column} twice ("${label}")`);
    }
    indexOf.set(column, index);
  });
  if (!indexOf.has('date_heure')) {
    throw new BadDataError(
      { file, line: 1, column: 'date_heure' },
      `expected a CSV header with date_heure, found ${describeFoundText(text)}`,
    );
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !indexOf.has(column));
  const [firstMissing] = missing;
  if (firstMissing !== undefined) {
    throw new BadDataError(
      { file, line: 1, column: firstMissing },
      `the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  }
  return { delimiter, width: labels.length, indexOf };
}
