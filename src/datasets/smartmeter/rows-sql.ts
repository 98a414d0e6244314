/**
 * The SQL that reads one smart-meter file, whatever its shape, into one row per data line: where
 * it is (file, order of arrival, line), the reading (meter, instant, kWh, label) and, for a row
 * that cannot be kept, the reason, the column and the value at fault. Every check is written once
 * here; the transform, the day's rejects and a drop's days all read this query.
 *
 * Fields are split on the delimiter without quoting, so that a row is always one physical line
 * and a rejected row's line is exact (a field in double quotes is unquoted; a quoted delimiter is
 * not supported). Blank lines are skipped by DuckDB's reader: the caller gives their line numbers
 * so that the lines after them are numbered right.
 */
import { sqlString } from '../../duckdb/columns.js';
import type { SmartMeterShape } from './shapes.js';

export interface FileScan {
  /** Local path of the file. */
  readonly path: string;
  /** Its storage key, named in rejects. */
  readonly file: string;
  /** Order of arrival among the day's files: a later file wins for the same reading. */
  readonly arrival: number;
  readonly shape: SmartMeterShape;
  /** The meter of a file whose shape has no meter column. */
  readonly meterId: string;
  /** Line numbers (1-based) of the blank lines after the header, ascending. */
  readonly blankLines: readonly number[];
}

/** A reading larger than this for one interval is refused (10 MWh: more than any meter delivers). */
export const MAX_KWH_PER_READING = 10_000;
/** Readings before this instant are refused: no smart-meter feed goes back that far. */
export const EARLIEST_READING = '2000-01-01T00:00:00Z';

/** Text that never occurs in a CSV file: the reader's NULL marker, so that an empty field is ''. */
const NEVER = `E'\\x1e\\x1f\\x1e\\x1f'`;
/** A time followed by `Z` or an offset: the text names its instant. */
const OFFSET = String.raw`[T ]\d{2}:\d{2}.*([Zz]|[+-]\d{2}(:?\d{2})?)\s*$`;

/** A field whose first and last characters are printable ASCII other than `"`: nothing to trim. */
const NOTHING_TO_TRIM = `'[!#-~](?:.*[!#-~])?'`;

/**
 * A field without the spaces around it and unquoted. Trimming is the costliest step of reading a
 * large file: it runs only on the fields that need it.
 */
function trimmed(name: string): string {
  return `CASE WHEN regexp_full_match(${name}, ${NOTHING_TO_TRIM}) THEN ${name} ELSE trim(both '"' from trim(coalesce(${name}, ''))) END`;
}

function read(scan: FileScan): string {
  const { width, delimiter } = scan.shape;
  const names = Array.from({ length: width }, (_, i) => `c${i}`);
  const declared = [...names, 'extra'].map((name) => `${name}: 'VARCHAR'`).join(', ');
  const options = [
    sqlString(scan.path),
    'header = false',
    'skip = 1',
    `delim = ${sqlString(delimiter)}`,
    "quote = ''",
    "escape = ''",
    'auto_detect = false',
    'strict_mode = false',
    'null_padding = true',
    `nullstr = ${NEVER}`,
    `columns = {${declared}}`,
  ].join(', ');
  const cleaned = names.map((name) => `${trimmed(name)} AS ${name}`).join(', ');
  // The fields as read, for the text of a misshapen row (joined only for those rows).
  const raw = [...names, 'extra'].map((name) => `${name} AS raw_${name}`).join(', ');
  const shifts = scan.blankLines.map((line, j) => line - (j + 1));
  const line =
    shifts.length === 0
      ? 'ordinality + 1'
      : `ordinality + 1 + len(list_filter([${shifts.join(', ')}], shift -> shift <= ordinality))`;
  return (
    `SELECT ${line} AS line, ${cleaned}, (extra IS NOT NULL OR c${width - 1} IS NULL) AS misshapen, ${raw} ` +
    `FROM read_csv(${options}) WITH ORDINALITY`
  );
}

function naiveOf(shape: SmartMeterShape, text: string): string {
  return shape.timeFormat ? `try_strptime(${text}, ${sqlString(shape.timeFormat)})` : `try_cast(${text} AS TIMESTAMP)`;
}

/** True when the text names its instant (`Z` or an offset): matched once per row, used thrice. */
function hasOffset(shape: SmartMeterShape): string {
  return shape.time === 'offset-or-paris' ? `regexp_matches(ts_text, ${sqlString(OFFSET)})` : 'false';
}

function instantOf(shape: SmartMeterShape): string {
  if (shape.time === 'utc') return `timezone('UTC', naive)`;
  if (shape.time === 'paris') return `timezone('Europe/Paris', naive)`;
  return `CASE WHEN has_offset THEN try_cast(ts_text AS TIMESTAMPTZ) ` + `ELSE timezone('Europe/Paris', naive) END`;
}

/**
 * True for a Paris local time the clocks skip (the March hour): it does not round-trip. A `CASE`
 * rather than `AND`: DuckDB then converts only the rows without an offset (time zones cost).
 */
function skippedLocalTime(shape: SmartMeterShape): string {
  const local = `strftime(timezone('Europe/Paris', instant), '%Y-%m-%d %H:%M:%S') <> strftime(naive, '%Y-%m-%d %H:%M:%S')`;
  if (shape.time === 'utc') return 'false';
  if (shape.time === 'paris') return local;
  return `CASE WHEN has_offset THEN false ELSE ${local} END`;
}

/** True for a Paris local time of the hour the clocks repeat (October): DuckDB took its second occurrence. */
function repeatedLocalTime(shape: SmartMeterShape): string {
  if (shape.time === 'utc') return 'false';
  const earlier = `strftime(timezone('Europe/Paris', instant - INTERVAL 1 HOUR), '%Y-%m-%d %H:%M:%S') = strftime(naive, '%Y-%m-%d %H:%M:%S')`;
  return shape.time === 'paris' ? earlier : `CASE WHEN has_offset THEN false ELSE ${earlier} END`;
}

/** The row's text as read: its fields joined by the delimiter. */
function rowText(shape: SmartMeterShape): string {
  const names = Array.from({ length: shape.width }, (_, i) => `raw_c${i}`);
  return `concat_ws(${sqlString(shape.delimiter)}, ${[...names, 'raw_extra'].join(', ')})`;
}

interface Check {
  readonly column: 'meter_id' | 'timestamp' | 'kwh' | null;
  readonly value: string;
  readonly fails: string;
  readonly reason: string;
}

function checks(scan: FileScan): Check[] {
  const { shape } = scan;
  const step = shape.stepMinutes;
  const missing = shape.missing.map(sqlString).join(', ');
  return [
    {
      column: null,
      value: rowText(shape),
      fails: 'misshapen',
      reason: sqlString(`expected ${shape.width} fields like the header`),
    },
    { column: 'meter_id', value: 'meter_id', fails: `meter_id = ''`, reason: `'meter_id is empty'` },
    { column: 'timestamp', value: 'ts_text', fails: `ts_text = ''`, reason: `'timestamp is empty'` },
    {
      column: 'timestamp',
      value: 'ts_text',
      fails: 'instant IS NULL',
      reason: `'timestamp is not a date and time'`,
    },
    {
      column: 'timestamp',
      value: 'ts_text',
      fails: skippedLocalTime(shape),
      reason: `'timestamp does not exist in Paris (the hour the clocks skip in March)'`,
    },
    {
      column: 'timestamp',
      value: 'ts_text',
      fails: `instant < ${sqlString(EARLIEST_READING)}::TIMESTAMPTZ`,
      reason: `'timestamp is before 2000'`,
    },
    {
      column: 'timestamp',
      value: 'ts_text',
      fails: `epoch_ms(instant) % ${step * 60_000} <> 0`,
      reason: sqlString(`timestamp is not on the ${step}-minute grid`),
    },
    { column: 'kwh', value: 'kwh_text', fails: `kwh_text IN (${missing})`, reason: `'kwh is missing'` },
    { column: 'kwh', value: 'kwh_text', fails: 'value IS NULL', reason: `'kwh is not a number'` },
    { column: 'kwh', value: 'kwh_text', fails: 'NOT isfinite(value)', reason: `'kwh is not a finite number'` },
    { column: 'kwh', value: 'kwh_text', fails: 'value < 0', reason: `'kwh is negative'` },
    {
      column: 'kwh',
      value: 'kwh_text',
      fails: `kwh > ${MAX_KWH_PER_READING}`,
      reason: sqlString(`kwh is above ${MAX_KWH_PER_READING} for one reading`),
    },
  ];
}

/**
 * Every data row of the file: `file, arrival, line, meter_id, naive, ts, kwh, label, step,
 * repeated, reason, bad_column, bad_value`. `reason` is null for a row that can be kept; `ts` is
 * the row's instant (for a repeated October local time, its second occurrence: see the transform).
 */
export function fileRowsSql(scan: FileScan): string {
  const { shape } = scan;
  const kwh = shape.energyIsPowerKW ? `value * ${shape.stepMinutes} / 60.0` : 'value';
  const raw = [...Array.from({ length: shape.width }, (_, i) => `raw_c${i}`), 'raw_extra'].join(', ');
  const fields =
    `SELECT line, misshapen, ${raw}, ${shape.meter ?? sqlString(scan.meterId)} AS meter_id, ` +
    `${shape.timestamp} AS ts_text, ${shape.energy} AS kwh_text, ${shape.label ?? 'NULL::VARCHAR'} AS label ` +
    `FROM (${read(scan)})`;
  const typed =
    `SELECT *, ${instantOf(shape)} AS instant, ${kwh} AS kwh FROM (` +
    `SELECT *, ${naiveOf(shape, 'ts_text')} AS naive, try_cast(kwh_text AS DOUBLE) AS value, ` +
    `${hasOffset(shape)} AS has_offset FROM (${fields}))`;
  const all = checks(scan);
  // The first check failed, tested once; the reason, column and value follow from its number.
  const failed = `CASE ${all.map((check, i) => `WHEN ${check.fails} THEN ${i}`).join(' ')} END AS failed`;
  const verdict = (pick: (check: Check) => string) =>
    `CASE failed ${all.map((check, i) => `WHEN ${i} THEN ${pick(check)}`).join(' ')} END`;
  return (
    `SELECT ${sqlString(scan.file)} AS file, ${scan.arrival} AS arrival, line, meter_id, naive, instant AS ts, ` +
    `kwh, label, ${shape.stepMinutes} AS step, coalesce(${repeatedLocalTime(shape)}, false) AS repeated, ` +
    `${verdict((c) => c.reason)} AS reason, ` +
    `${verdict((c) => (c.column === null ? 'NULL::VARCHAR' : sqlString(c.column)))} AS bad_column, ` +
    `${verdict((c) => `${c.value}::VARCHAR`)} AS bad_value FROM (SELECT *, ${failed} FROM (${typed}))`
  );
}
