/**
 * Reading a go-live snapshot CSV (snapshot.ts) as the view `snapshot_rows` (`line` and the columns
 * its caller makes of the five columns' texts), or refusing a file that does not read as one
 * contract a line under its header. The header is read first (the first line, here: UTF-8, each
 * of the five columns named once, in any order, beside any others), then the rows by DuckDB's CSV
 * reader, whose rejects (`store_rejects`) give the line and column of each line that is not UTF-8,
 * has fewer or more fields than the header, or leaves a quote open. DuckDB skips blank lines: each
 * row's line is counted from a second read of the file, a line a row. A line break inside a quoted
 * field (one row on two lines) is refused, as the lines after it could not be named.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CsvError, parse } from 'csv-parse/sync';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import { BadDataError } from '../workflow-safe/errors.js';
import { firstFaults, snapshotRefusal } from './snapshot-faults.js';

export const SNAPSHOT_COLUMNS = ['prm', 'contract', 'fta', 'kva', 'since'] as const;

/** Far more than any header: a first line longer than this is not one. */
const HEADER_BYTES = 64 * 1024;
const REJECTS = { errors: 'snapshot_reject_errors', scans: 'snapshot_reject_scans' } as const;
const NOT_UTF8 = 'bytes that are not UTF-8 (a Latin-1 or Windows-1252 export?): save the file as UTF-8';

/** What each kind of DuckDB reject means here, for a header of `width` columns; others say DuckDB's message. */
const READ_PROBLEMS: Readonly<Record<string, (width: number) => string>> = {
  'INVALID ENCODING': () => NOT_UTF8,
  'INVALID UNICODE': () => NOT_UTF8,
  'MISSING COLUMNS': (width) => `the line ends before this column: the header names ${width}`,
  'TOO MANY COLUMNS': (width) => `more fields than the header's ${width}`,
  'UNQUOTED VALUE': () =>
    'a quote that does not end its field: a quoted field ends with its quote, and doubles the quotes it holds',
  'LINE SIZE OVER MAXIMUM': () => 'a line longer than DuckDB reads (max_line_size): not one contract',
};

/** The file's first line without its line end, as UTF-8; BadDataError on line 1 when it cannot be a header. */
async function firstLine(file: string, name: string): Promise<string> {
  const handle = await open(file, 'r');
  let bytes: Uint8Array;
  try {
    const buffer = new Uint8Array(HEADER_BYTES);
    bytes = buffer.subarray(0, (await handle.read(buffer, 0, HEADER_BYTES, 0)).bytesRead);
  } finally {
    await handle.close();
  }
  const header = `the header ${SNAPSHOT_COLUMNS.join(',')}`;
  if (bytes.length === 0)
    throw new BadDataError({ file: name, line: 1 }, `the file is empty: a snapshot starts with ${header}`);
  const end = bytes.findIndex((byte) => byte === 0x0a || byte === 0x0d);
  if (end < 0 && bytes.length === HEADER_BYTES)
    throw new BadDataError(
      { file: name, line: 1 },
      `no line end in the first ${HEADER_BYTES / 1024} KiB: not ${header}`,
    );
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(end < 0 ? bytes : bytes.subarray(0, end));
  } catch (cause) {
    throw new BadDataError({ file: name, line: 1 }, `the header holds ${NOT_UTF8}`, { cause });
  }
}

/** The header's column names; BadDataError on line 1 when one of the five is missing or named twice. */
async function headerOf(file: string, name: string): Promise<string[]> {
  let fields: string[];
  try {
    fields = z.array(z.array(z.string())).parse(parse(await firstLine(file, name)))[0] ?? [''];
  } catch (cause) {
    if (!(cause instanceof CsvError)) throw cause;
    throw new BadDataError({ file: name, line: 1 }, `the header is not a line of CSV: ${cause.message}`, { cause });
  }
  const names = fields.map((field) => field.trim());
  const twice = SNAPSHOT_COLUMNS.find((c) => names.indexOf(c) !== names.lastIndexOf(c));
  if (twice !== undefined)
    throw new BadDataError({ file: name, line: 1, column: twice }, `the header names ${twice} twice`);
  const missing = SNAPSHOT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new BadDataError(
      { file: name, line: 1, column: missing.join(', ') },
      `the header lacks ${missing.join(', ')}: it must name ${SNAPSHOT_COLUMNS.join(',')}`,
    );
  return names;
}

/** How a fault names the header's column `name`, the `i`-th (0-based): by its name, or its place when it has none. */
const label = (name: string, i: number) => (name === '' ? String(i + 1) : name);
/** The header's labels as a DuckDB list: `field(i)` (1-based) is the column `c{i}` of the reads below. */
const labelsList = (header: readonly string[]) => `[${header.map((name, i) => sqlString(label(name, i))).join(', ')}]`;
const field = (i: number) => `c${i}`;

/** The five columns' texts, as SQL over the fields of the reads below, to make the rows' columns of. */
export type SnapshotTexts = Readonly<Record<(typeof SNAPSHOT_COLUMNS)[number], string>>;

/** `read_csv` of the file's rows under a header of `width` columns, each field as text (`c1`…); `record` is the row's rank. */
function rowsSql(file: string, width: number, rejects: string): string {
  const fields = Array.from({ length: width }, (_, i) => field(i + 1));
  return `read_csv(${sqlString(file)}, header = true, auto_detect = false,
      columns = {${fields.map((f) => `'${f}': 'VARCHAR'`).join(', ')}},
      delim = ',', quote = '"', escape = '"', strict_mode = true${rejects})
    WITH ORDINALITY AS r(${fields.join(', ')}, record)`;
}

/** One fault a line and kind of DuckDB reject, at its first column. */
function rejectsSql(header: readonly string[]): string {
  const problems = Object.entries(READ_PROBLEMS)
    .map(([type, problem]) => `WHEN ${sqlString(type)} THEN ${sqlString(problem(header.length))}`)
    .join(' ');
  return `SELECT line,
      CASE WHEN error_type = 'TOO MANY COLUMNS' THEN '${header.length + 1}'
        ELSE list_extract(${labelsList(header)}, TRY_CAST(substr(column_name, 2) AS INTEGER)) END AS "column",
      CASE error_type ${problems} ELSE error_message END AS problem, rank
    FROM (SELECT line, error_type, arg_min(column_name, column_idx) AS column_name,
        arg_min(error_message, column_idx) AS error_message, min(column_idx) AS rank
      FROM ${REJECTS.errors} GROUP BY line, error_type)`;
}

/** The file's lines, one a line (no quoting), and which are blank: DuckDB's CSV reader skips those. */
function linesSql(file: string): string {
  return `CREATE OR REPLACE TEMP TABLE snapshot_lines AS
    SELECT count(*) AS lines, coalesce(list(line ORDER BY line) FILTER (WHERE text IS NULL), []) AS blanks
    FROM read_csv(${sqlString(file)}, header = false, auto_detect = false, columns = {'text': 'VARCHAR'},
      delim = E'\\n', quote = '', escape = '', strict_mode = false) WITH ORDINALITY AS l(text, line)`;
}

/**
 * `source`'s rows (with their rank, `record`) with their lines: the header's line, the row's rank
 * and the blank lines before it. The `i`-th blank line `b` comes after `b - i - 1` rows; a row comes
 * after the blank lines whose count of rows before them is below its rank.
 */
function withLinesSql(source: string, blanks: number): string {
  if (blanks === 0) return `SELECT (record + 1)::BIGINT AS line, * FROM ${source}`;
  return `WITH blanks AS (SELECT line, row_number() OVER (ORDER BY line) AS before FROM (SELECT unnest(blanks) AS line FROM snapshot_lines)),
    marks AS (SELECT line - before - 1 AS rows_before, max(before) AS before FROM blanks GROUP BY ALL)
    SELECT (r.record + 1 + coalesce(m.before, 0))::BIGINT AS line, r.* FROM ${source} r
    ASOF LEFT JOIN marks m ON r.record > m.rows_before`;
}

const countsSchema = z.object({ lines: z.number(), blanks: z.number(), rows: z.number() });

/**
 * The first row on two lines or more (a line break inside a quoted field), read again: only a file
 * with more lines than rows is. Its line, and the name of the field holding it.
 */
async function firstBrokenRow(
  db: DuckDBConnection,
  file: string,
  header: readonly string[],
  blanks: number,
): Promise<{ line: number; column: string }> {
  const broken = header
    .map((name, i) => `WHEN regexp_matches(${field(i + 1)}, '[\\r\\n]') THEN ${sqlString(label(name, i))}`)
    .join(' ');
  const found = (
    await db.runAndReadAll(`SELECT line::INTEGER AS line, "column" FROM (
        ${withLinesSql(`(SELECT record, CASE ${broken} END AS "column" FROM ${rowsSql(file, header.length, '')})`, blanks)})
      WHERE "column" IS NOT NULL ORDER BY line LIMIT 1`)
  ).getRowObjectsJson()[0];
  if (found === undefined)
    throw new Error('the snapshot CSV has more lines than rows, yet no field holds a line break');
  return z.object({ line: z.number(), column: z.string() }).parse(found);
}

/**
 * Reads the rows of `file` into `snapshot_read` (their rank, then `columns` of their five texts),
 * refusing DuckDB's rejects, then its lines (`snapshot_lines`), refusing a row on two lines; gives
 * the number of blank lines.
 */
async function readRows(
  db: DuckDBConnection,
  file: string,
  name: string,
  header: readonly string[],
  columns: (texts: SnapshotTexts) => string,
): Promise<number> {
  const texts = Object.fromEntries(SNAPSHOT_COLUMNS.map((c) => [c, field(header.indexOf(c) + 1)])) as SnapshotTexts;
  await db.run(`DROP TABLE IF EXISTS ${REJECTS.errors}; DROP TABLE IF EXISTS ${REJECTS.scans}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE snapshot_read AS SELECT record, ${columns(texts)}
    FROM ${rowsSql(file, header.length, `, store_rejects = true, rejects_table = '${REJECTS.errors}', rejects_scan = '${REJECTS.scans}'`)}`);
  const rejected = await firstFaults(db, rejectsSql(header));
  if (rejected.total > 0) throw snapshotRefusal(name, rejected);
  await db.run(linesSql(file));
  const counts = countsSchema.parse(
    (
      await db.runAndReadAll(`SELECT lines::INTEGER AS lines, len(blanks)::INTEGER AS blanks,
        (SELECT count(*) FROM snapshot_read)::INTEGER AS rows FROM snapshot_lines`)
    ).getRowObjectsJson()[0],
  );
  if (counts.lines - 1 - counts.blanks !== counts.rows) {
    const broken = await firstBrokenRow(db, file, header, counts.blanks);
    throw snapshotRefusal(
      name,
      { faults: [{ ...broken, problem: 'a line break inside a quoted field: one contract a line' }], total: 1 },
      '; the lines after it are not read',
    );
  }
  return counts.blanks;
}

/**
 * Reads the CSV `file` (named `name` in errors), refusing it unless it reads as one contract a
 * line (see the module's doc), then runs `work` while the view `snapshot_rows` shows its rows:
 * `line`, then the `columns` the caller makes of the five columns' texts (made as DuckDB reads
 * the file: the rows are read once). Drops all after.
 */
export async function withSnapshotRows<T>(
  db: DuckDBConnection,
  file: string,
  name: string,
  columns: (texts: SnapshotTexts) => string,
  work: () => Promise<T>,
): Promise<T> {
  const header = await headerOf(file, name);
  try {
    const order = (await db.runAndReadAll(`SELECT current_setting('preserve_insertion_order')::VARCHAR`)).getRows()[0];
    // The rows' ranks (WITH ORDINALITY) are their order in the file only when DuckDB keeps it.
    await db.run('SET preserve_insertion_order = true');
    let blanks: number;
    try {
      blanks = await readRows(db, file, name, header, columns);
    } finally {
      await db.run(`SET preserve_insertion_order = ${order?.[0] === 'false' ? 'false' : 'true'}`);
    }
    await db.run(`CREATE OR REPLACE TEMP VIEW snapshot_rows AS ${withLinesSql('snapshot_read', blanks)}`);
    return await work();
  } finally {
    await db.run(`DROP VIEW IF EXISTS snapshot_rows; DROP TABLE IF EXISTS snapshot_read; DROP TABLE IF EXISTS snapshot_lines;
      DROP TABLE IF EXISTS ${REJECTS.errors}; DROP TABLE IF EXISTS ${REJECTS.scans}`);
  }
}
