/** Splitting CSV text into rows with the line each row starts on, quoted multi-line fields included. */
import { CsvError, parse } from 'csv-parse/sync';
import { BadDataError } from '../../shared/errors.js';
import type { CsvDelimiter } from './header.js';

export interface CsvRow {
  /** 1-based line where the row starts, the header being line 1. */
  readonly line: number;
  readonly fields: readonly string[];
}

function countNewlines(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) for (const char of field) if (char === '\n') count += 1;
  return count;
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === '');
}

/**
 * The rows of a text without any double quote, which is how the API exports days: nothing can be
 * quoted, so every non-empty line is a row and its fields are the text between delimiters. The
 * same rows and line numbers as csv-parse gives, several times faster.
 */
function splitUnquoted(normalised: string, delimiter: CsvDelimiter): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = normalised.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line !== '') rows.push({ line: index + 1, fields: line.split(delimiter) });
  }
  return rows;
}

/**
 * The data rows of a CSV text (header skipped, blank lines dropped). Rows may have any number of
 * fields: the caller rejects rows whose width differs from the header's. A quote left open or closed
 * in the middle of a field makes every later row unreliable, so it fails the whole file.
 */
export function readCsvRows(text: string, delimiter: CsvDelimiter, file: string): CsvRow[] {
  // csv-parse counts a CRLF inside a quoted field as two lines; with LF only its count is exact.
  const normalised = text.replace(/\r\n?/g, '\n');
  if (!normalised.includes('"')) {
    return splitUnquoted(normalised, delimiter)
      .slice(1)
      .filter((row) => !isBlank(row.fields));
  }
  const rows: CsvRow[] = [];
  try {
    parse(normalised, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (fields: string[], context) => {
        // `lines` is the line where the record ends; a quoted field may span several lines.
        rows.push({ line: context.lines - countNewlines(fields), fields });
        return null;
      },
    });
  } catch (cause) {
    if (!(cause instanceof CsvError)) throw cause;
    const location = typeof cause.lines === 'number' ? { file, line: cause.lines } : { file };
    throw new BadDataError(location, `the CSV is malformed: ${cause.message}`, { cause });
  }
  return rows.slice(1).filter((row) => !isBlank(row.fields));
}
