/** Reading and checking the header line of a smart-meter CSV file (only its first bytes are read). */
import { open } from 'node:fs/promises';
import { assertEightBitText } from '../text-encoding.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import { canonicalSmartMeterColumn, SMARTMETER_COLUMNS, type SmartMeterColumn } from './columns.js';

export type SmartMeterDelimiter = ',' | ';' | '\t';

export interface SmartMeterHeader {
  readonly delimiter: SmartMeterDelimiter;
  /** Number of fields every row must have. */
  readonly width: number;
  /** 0-based field index of each required column. */
  readonly indexOf: Readonly<Record<SmartMeterColumn, number>>;
}

/** Far more than any header line. */
const HEADER_BYTES = 64 * 1024;

function detectDelimiter(line: string): SmartMeterDelimiter {
  if (line.includes(';')) return ';';
  if (line.includes(',')) return ',';
  return line.includes('\t') ? '\t' : ',';
}

function unquote(label: string): string {
  const trimmed = label.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).replaceAll('""', '"')
    : trimmed;
}

function describeFound(line: string): string {
  if (line.trim() === '') return 'an empty first line';
  if (line.trimStart().startsWith('<')) return 'an HTML page';
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

/** Maps a header line (BOM already removed) to the required columns; throws BadDataError on line 1. */
export function parseSmartMeterHeader(line: string, file: string): SmartMeterHeader {
  const delimiter = detectDelimiter(line);
  const labels = line.split(delimiter).map(unquote);
  const found = new Map<SmartMeterColumn, number>();
  labels.forEach((label, index) => {
    const column = canonicalSmartMeterColumn(label);
    if (column === null) return;
    if (found.has(column)) {
      throw new BadDataError({ file, line: 1, column }, `the header names column ${column} twice ("${label}")`);
    }
    found.set(column, index);
  });
  const missing = SMARTMETER_COLUMNS.filter((column) => !found.has(column));
  const [firstMissing] = missing;
  if (firstMissing !== undefined) {
    if (found.size === 0) {
      throw new BadDataError(
        { file, line: 1 },
        `expected a CSV header with ${SMARTMETER_COLUMNS.join(', ')}, found ${describeFound(line)}`,
      );
    }
    throw new BadDataError(
      { file, line: 1, column: firstMissing },
      `the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  }
  const indexOf = Object.fromEntries(found) as Record<SmartMeterColumn, number>;
  return { delimiter, width: labels.length, indexOf };
}

/** Reads the header of the file at `path`: UTF-8, a BOM allowed, then {@link parseSmartMeterHeader}. */
export async function readSmartMeterHeader(path: string, file: string): Promise<SmartMeterHeader> {
  return parseSmartMeterHeader(await readHeaderLine(path, file), file);
}

/**
 * The first line of a text file (BOM and line end removed), refusing with BadDataError an empty
 * file, a UTF-16 file (named as such), a binary file and bytes that are not UTF-8.
 */
export async function readHeaderLine(path: string, file: string): Promise<string> {
  const handle = await open(path, 'r');
  let bytes: Uint8Array;
  try {
    const buffer = new Uint8Array(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (bytes.length === 0) throw new BadDataError({ file }, 'the file is empty');
  assertEightBitText(bytes, file, 'UTF-8 text');
  const end = bytes.indexOf(10);
  const lineBytes = end < 0 ? bytes : bytes.subarray(0, end);
  let line: string;
  try {
    line = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(lineBytes, { stream: end < 0 });
  } catch (cause) {
    throw new BadDataError({ file, line: 1 }, 'expected UTF-8 text, found bytes that are not UTF-8', { cause });
  }
  return line.replace(/\r+$/, '');
}
