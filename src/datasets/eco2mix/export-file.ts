/**
 * Checks of an eCO2mix CSV export as a whole file, before DuckDB reads its rows: UTF-8 (a UTF-16,
 * binary or Latin-1 body is refused, naming the line of the first bad byte), not empty, not HTML,
 * an eCO2mix header with every required column. A file that fails throws BadDataError; its rows
 * are then never read.
 */
import { assertTextLooksLikeCsv, decodeCsvBody } from './csv-body.js';
import { readEco2mixHeader, type Eco2mixHeader } from './header.js';

/** Bytes read by the header check: far more than any header line. */
const HEADER_CHECK_BYTES = 64 * 1024;

/**
 * Checks only the start of a body: UTF-8, not empty, not HTML, an eCO2mix header with every
 * required column. Throws the same BadDataError as {@link checkEco2mixExport} would.
 */
export function assertEco2mixCsv(body: Uint8Array | string, file: string): void {
  const text = decodeCsvBody(body, file, HEADER_CHECK_BYTES);
  assertTextLooksLikeCsv(text, file);
  readEco2mixHeader(text, file);
}

export interface CheckedExport {
  readonly header: Eco2mixHeader;
  /** Whether the text holds a double quote: without one, every line is a record. */
  readonly quoted: boolean;
}

/** Checks a whole body (every byte UTF-8) and reads its header. Throws BadDataError. */
export function checkEco2mixExport(body: Uint8Array | string, file: string): CheckedExport {
  const text = decodeCsvBody(body, file);
  assertTextLooksLikeCsv(text, file);
  return { header: readEco2mixHeader(text, file), quoted: text.includes('"') };
}
