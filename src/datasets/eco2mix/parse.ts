/**
 * Parsing eCO2mix CSV exports (ODRÉ API with machine names, or portal exports with French labels)
 * into typed records. A wrong file (UTF-16 or binary, not UTF-8, empty, HTML, unknown or incomplete
 * header, broken quoting) throws BadDataError; a wrong row is rejected with its line and reason and
 * the others kept; every record is accounted for (kept, rejected, or skipped as header or blank).
 */
import type { ParseResult, RejectedRow } from '../types.js';
import type { RowAccounting } from './accounting.js';
import { assertTextLooksLikeCsv, decodeCsvBody } from './csv-body.js';
import { readCsvTable } from './csv-rows.js';
import { readEco2mixHeader } from './header.js';
import type { Eco2mixRecord } from './record.js';
import { rowToEco2mixRecord } from './row-to-record.js';
import type { Eco2mixSource } from './sources.js';

export interface ParseEco2mixOptions {
  /** Name used in errors and rejects, e.g. the storage key of the raw file. */
  readonly file: string;
  readonly source: Eco2mixSource;
}

/** Bytes read by the header check: far more than any header line. */
const HEADER_CHECK_BYTES = 64 * 1024;

/**
 * Checks only the start of a body: UTF-8, not empty, not HTML, an eCO2mix header with every
 * required column. Throws the same BadDataError as {@link parseEco2mixCsv} would.
 */
export function assertEco2mixCsv(body: Uint8Array | string, file: string): void {
  const text = decodeCsvBody(body, file, HEADER_CHECK_BYTES);
  assertTextLooksLikeCsv(text, file);
  readEco2mixHeader(text, file);
}

/** Why a record of an export is not a row. */
export type CsvSkip = 'header' | 'blank';

export interface Eco2mixCsvParse extends ParseResult<Eco2mixRecord> {
  /** Every record of the text: read = kept + rejected + skipped (the header, blank records). */
  readonly accounting: RowAccounting<CsvSkip>;
}

interface KeptRow {
  readonly line: number;
  readonly rawInstant: string;
  readonly record: Eco2mixRecord;
}

/**
 * Parses a whole export and accounts for each of its records. Records come in file order, one per
 * instant: when an instant appears twice, the later row is kept and the earlier one is rejected as
 * superseded (so that `rowsRead = records + rejects`). A header with no data rows gives zero
 * records, not an error.
 */
export function parseEco2mixCsvAccounted(body: Uint8Array | string, options: ParseEco2mixOptions): Eco2mixCsvParse {
  const { file, source } = options;
  const text = decodeCsvBody(body, file);
  assertTextLooksLikeCsv(text, file);
  const header = readEco2mixHeader(text, file);
  const table = readCsvTable(text, header.delimiter, file);
  const { rows } = table;

  const rejects: RejectedRow[] = [];
  const kept = new Map<string, KeptRow>();
  for (const row of rows) {
    const reading = rowToEco2mixRecord(row, header, source);
    if (!reading.ok) {
      rejects.push(reading.reject);
      continue;
    }
    const { record, rawInstant } = reading;
    const previous = kept.get(record.instant);
    if (previous !== undefined) {
      rejects.push({
        line: previous.line,
        column: 'date_heure',
        value: previous.rawInstant,
        reason: `duplicate instant ${record.instant}: superseded by line ${row.line}`,
      });
      kept.delete(record.instant);
    }
    kept.set(record.instant, { line: row.line, rawInstant, record });
  }

  rejects.sort((a, b) => a.line - b.line);
  const records = [...kept.values()].map((row) => row.record);
  const accounting = {
    read: table.records,
    kept: records.length,
    rejected: rejects.length,
    skipped: { header: 1, blank: table.blank },
  };
  return { records, rejects, rowsRead: rows.length, accounting };
}

/** Parses a whole export: {@link parseEco2mixCsvAccounted} without the accounting. */
export function parseEco2mixCsv(body: Uint8Array | string, options: ParseEco2mixOptions): ParseResult<Eco2mixRecord> {
  const { records, rejects, rowsRead } = parseEco2mixCsvAccounted(body, options);
  return { records, rejects, rowsRead };
}
