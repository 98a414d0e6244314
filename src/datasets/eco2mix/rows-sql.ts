/**
 * The SQL that reads one eCO2mix export into one row per record, every check written once here:
 * where it is (order of arrival, line), what kind of record it is (`header`, `blank`, `malformed`
 * quoting, or a data `row`), and for a data row the instant, `nature` and measures, or the reject
 * — the first problem found: wrong number of fields, then `date_heure`, then the measures in column
 * order. Cells are read as JavaScript's `trim()` and `Number()` would: `''`, `ND`, `-` and `null`
 * (any case, around whitespace) are missing values, numbers are written with `.` as decimal point.
 * An instant is ISO-8601 with `Z` or a UTC offset (`2021-12-01T00:00:00+01:00`); a local time
 * without offset is refused, being ambiguous on the October night.
 */
import { sqlString } from '../../duckdb/columns.js';
import type { Eco2mixColumnName } from './columns.js';
import type { Eco2mixHeader } from './header.js';
import { ECO2MIX_MEASURES } from './record.js';
import { csvRecordsSql, trimmedSql } from './records-sql.js';
import type { Eco2mixSource } from './sources.js';

/** One export to read: its local copy, the storage key rejects name, its source and order of arrival. */
export interface Eco2mixExport {
  readonly path: string;
  readonly file: string;
  readonly source: Eco2mixSource;
  readonly order: number;
}

const INSTANT = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})`;
/** An instant whose hour, minutes, seconds and UTC offset (at most 14 hours) are in range. */
const VALID_INSTANT = String.raw`\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-3]):[0-5]\d|[+-]14:00)`;
const LOCAL_TIME = String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?`;

/** The cell of a column, '' when the header lacks it (an optional column). */
function cell(header: Eco2mixHeader, column: Eco2mixColumnName): string {
  const index = header.indexOf.get(column);
  return index === undefined ? `''` : `fields[${index + 1}]`;
}

const missing = (trimmed: string) => `lower(${trimmed}) IN ('', 'nd', '-', 'null')`;

/** `instant` (TIMESTAMPTZ, to the millisecond) and `instant_problem` of the cell `t_instant`. */
function instantSql(): string {
  const withSeconds = String.raw`regexp_replace(t_instant, '^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})([Z+-])', '\1:00\2')`;
  const parsed = `CASE WHEN regexp_full_match(t_instant, ${sqlString(VALID_INSTANT)}) THEN try_cast(${withSeconds} AS TIMESTAMPTZ) END`;
  return `CASE WHEN t_instant = '' THEN 'date_heure is empty'
         WHEN NOT regexp_full_match(t_instant, ${sqlString(INSTANT)})
           THEN CASE WHEN regexp_full_match(t_instant, ${sqlString(LOCAL_TIME)}) THEN 'date_heure has no UTC offset'
                     ELSE 'date_heure is not an ISO-8601 instant' END
         WHEN instant IS NULL THEN 'date_heure is not a valid date and time' END AS instant_problem
    FROM (SELECT *, date_trunc('millisecond', ${parsed}) AS instant FROM cells)`;
}

/**
 * Each measure cell → its value (null when missing) and what is wrong with it (null when nothing).
 * A number is what JavaScript's `Number()` reads from `[+-]digits[.digits][e[+-]digits]`: only
 * those characters, and DuckDB's cast succeeding on them. Lambdas run once per cell, so that rows
 * of plain numbers and empty cells (nearly all of them) take a cheaper path: see {@link PLAIN_CELLS}.
 */
const number = (t: string) => `CASE WHEN translate(${t}, '0123456789+-.eE', '') = '' THEN try_cast(${t} AS DOUBLE) END`;
const TRIMMED_CELLS = `list_transform(cells, c -> ${trimmedSql('c')})`;
const MEASURE_VALUES = `list_transform(${TRIMMED_CELLS}, t -> CASE WHEN ${missing('t')} THEN NULL ELSE ${number('t')} END)`;
const MEASURE_PROBLEMS = `list_transform(${TRIMMED_CELLS}, t -> CASE WHEN ${missing('t')} THEN NULL
    WHEN ${number('t')} IS NULL THEN 'not a number' WHEN NOT isfinite(${number('t')}) THEN 'number out of range' END)`;
/** Cells that are all empty or a plain decimal of at most 15 + 15 digits: read with a cast alone. */
const PLAIN_CELL = String.raw`(?:-?\d{1,15}(?:\.\d{1,15})?)?`;
const PLAIN_CELLS = `regexp_full_match(array_to_string(cells, chr(31)), ${sqlString(
  `${PLAIN_CELL}(?:\\x1f${PLAIN_CELL}){${ECO2MIX_MEASURES.length - 1}}`,
)})`;

function reject(column: string, value: string, reason: string): string {
  return `{'column_name': ${column}, 'value': ${value}, 'reason': ${reason}}`;
}

/** The exports as rows `path, file_order, file, source`, to join the records' `filename` on. */
function exportsSql(inputs: readonly Eco2mixExport[]): string {
  const rows = inputs.map((i) => `(${sqlString(i.path)}, ${i.order}, ${sqlString(i.file)}, ${sqlString(i.source)})`);
  return `SELECT * FROM (VALUES ${rows.join(', ')}) t(path, file_order, file, source)`;
}

/**
 * `file_order, file, source, line, kind, instant, nature, <measures>, reject, raw_instant` for every
 * record of exports sharing one header, checked (with or without quotes alike); `reject` (column,
 * value, reason) is NULL on a readable row.
 */
export function exportRowsSql(inputs: readonly Eco2mixExport[], header: Eco2mixHeader, quoted: boolean): string {
  const { delimiter, width } = header;
  const names = `[${ECO2MIX_MEASURES.map((m) => sqlString(m)).join(', ')}]`;
  const checks = [
    `WHEN len(fields) <> ${width} THEN ${reject(
      'NULL::VARCHAR',
      `array_to_string(fields, ${sqlString(delimiter)})`,
      `'expected ${width} fields like the header, found ' || len(fields)`,
    )}`,
    `WHEN instant_problem IS NOT NULL THEN ${reject(`'date_heure'`, 'raw_instant', 'instant_problem')}`,
    `WHEN bad IS NOT NULL THEN ${reject(`${names}[bad]`, 'cells[bad]', `${names}[bad] || ' is ' || problems[bad]`)}`,
  ].join('\n      ');
  const kind = `CASE WHEN line = 1 THEN 'header' WHEN fields IS NULL THEN 'malformed' WHEN blank THEN 'blank' ELSE 'row' END`;
  const cells = `[${ECO2MIX_MEASURES.map((m) => cell(header, m)).join(', ')}]`;
  const paths = inputs.map((i) => i.path);
  return `WITH records AS (${csvRecordsSql(paths, delimiter, quoted)}),
  cells AS (SELECT filename, line, ${kind} AS kind, fields, ${cell(header, 'date_heure')} AS raw_instant,
    ${trimmedSql(cell(header, 'date_heure'))} AS t_instant, ${trimmedSql(cell(header, 'nature'))} AS t_nature, ${cells} AS cells
    FROM records),
  instants AS (SELECT *, ${instantSql()}),
  measured AS (SELECT *,
      CASE WHEN plain THEN list_transform(cells, c -> try_cast(nullif(c, '') AS DOUBLE)) ELSE ${MEASURE_VALUES} END AS vals,
      CASE WHEN plain THEN NULL ELSE ${MEASURE_PROBLEMS} END AS problems
    FROM (SELECT *, ${PLAIN_CELLS} AS plain FROM instants)),
  checked AS (SELECT *, CASE WHEN NOT plain THEN list_position(list_transform(problems, p -> p IS NOT NULL), true) END AS bad
    FROM measured)
  SELECT e.file_order, e.file, e.source, line, kind,
    instant, CASE WHEN ${missing('t_nature')} THEN NULL ELSE t_nature END AS nature,
    ${ECO2MIX_MEASURES.map((m, i) => `vals[${i + 1}] AS ${m}`).join(', ')},
    CASE WHEN kind <> 'row' THEN NULL
      ${checks}
    END AS reject, raw_instant
  FROM checked JOIN (${exportsSql(inputs)}) e ON checked.filename = e.path`;
}
