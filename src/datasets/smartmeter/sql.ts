/**
 * The SQL of the smart-meter transform. Every row check is written once, in {@link rowChecks}, and
 * used twice: negated to select the rows written to Parquet, and as a CASE naming the reason of
 * each rejected row. Both queries read the file the same way, so they agree on which rows are kept.
 *
 * Fields are split on the delimiter without quoting (`quote=''`), so that a row is always one
 * physical line and a rejected row's line number is exact. A field wrapped in double quotes is
 * unquoted; a quoted field holding the delimiter is not supported (its row has too many fields).
 *
 * Two ways to read a file:
 * - `fields`: DuckDB's CSV reader splits the fields, in parallel. A row with too few fields is
 *   padded with NULLs, one with too many has a non-NULL `extra` column; blank lines are skipped,
 *   so a row's line is its ordinal plus the blank lines before it (counted by the caller).
 * - `lines`: every line is read as one text and split in SQL; slower, but its ordinal is the line
 *   itself whatever the file holds. Used when the first way and the line count disagree.
 */
import { sqlString } from '../../parquet/columns.js';
import type { SmartMeterHeader } from './header.js';

/** What the checks need to know of the day: its UTC bounds and the nominal step. */
export interface DayGrid {
  readonly date: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMinutes: number;
  /** Intervals a meter reports in a complete day: 46, 48 or 50 at 30 minutes. */
  readonly expectedIntervals: number;
}

export interface ScanPlan {
  readonly csvPath: string;
  /** Name written in rejects. */
  readonly file: string;
  readonly header: SmartMeterHeader;
  readonly grid: DayGrid;
}

export type ScanKind = 'fields' | 'lines';

/**
 * Text that never occurs in a CSV file: the `lines` scan's delimiter (so that a line is one field)
 * and the `fields` scan's NULL marker (so that an empty field is '' and only a missing one is NULL).
 * A line containing it anyway is cut there, and its row is rejected for its number of fields.
 */
const NEVER = `E'\\x1e\\x1f\\x1e\\x1f'`;

/**
 * The end of a date and time that says where it is on the UTC line: a time then `Z`, `+01:00`,
 * `+0100` or `+01` (the cast has already checked that the text is a date and time).
 */
const OFFSET_PATTERN = String.raw`[T ]\d{2}:\d{2}.*([Zz]|[+-]\d{2}(:?\d{2})?)\s*$`;

/** Without the double quotes around it when it has them (`""` inside stands for `"`). */
function unquoted(expression: string): string {
  const trimmed = `trim(${expression})`;
  return (
    `CASE WHEN strlen(${trimmed}) >= 2 AND starts_with(${trimmed}, '"') AND ends_with(${trimmed}, '"') ` +
    `THEN replace(${trimmed}[2:-2], '""', '"') ELSE ${trimmed} END`
  );
}

/**
 * A field's text: trimmed and unquoted, computed only for the few fields that need it (string
 * functions over every field of a large file cost more than reading it). Timestamps and numbers
 * need no trimming: their casts ignore surrounding spaces.
 */
function cleaned(expression: string, trim: boolean): string {
  const needsWork = trim
    ? `contains(${expression}, '"') OR starts_with(${expression}, ' ') OR ends_with(${expression}, ' ')`
    : `contains(${expression}, '"')`;
  return `CASE WHEN ${needsWork} THEN ${unquoted(expression)} ELSE ${expression} END`;
}

/** How a scan exposes a row: its fields' texts and its width check. */
interface ScanShape {
  /** SQL producing `ordinality` (when asked), the columns the expressions below read. */
  readonly source: string;
  /** SQL: the text of field `index` ('' when empty). */
  field(index: number): string;
  /** SQL: true when the row's number of fields is not the header's. */
  readonly widthFails: string;
  readonly widthReason: string;
  /** SQL: the row's text, for a row rejected as a whole. */
  readonly rowText: string;
}

function csvOptions(plan: ScanPlan, delimiter: string, columns: string, extra: string): string {
  const options = [
    sqlString(plan.csvPath),
    'header = false',
    'skip = 1',
    `delim = ${delimiter}`,
    "quote = ''",
    "escape = ''",
    'auto_detect = false',
    'strict_mode = false',
    columns,
    extra,
  ];
  return options.join(', ');
}

function fieldsScan(plan: ScanPlan, ordinality: boolean): ScanShape {
  const { header } = plan;
  const width = header.width;
  const names = Array.from({ length: width }, (_, i) => `c${i}`);
  const declared = [...names, 'extra'].map((name) => `${name}: 'VARCHAR'`).join(', ');
  const read = `read_csv(${csvOptions(plan, sqlString(header.delimiter), `columns = {${declared}}`, `null_padding = true, nullstr = ${NEVER}`)})`;
  const present = names.map((name) => `(${name} IS NOT NULL)::INTEGER`).join(' + ');
  return {
    source: `SELECT ${ordinality ? 'ordinality, ' : ''}${[...names, 'extra'].join(', ')} FROM ${read}${ordinality ? ' WITH ORDINALITY' : ''}`,
    field: (index) => `coalesce(c${index}, '')`,
    widthFails: `extra IS NOT NULL OR c${width - 1} IS NULL`,
    widthReason:
      `'expected ${width} fields like the header, found ' || ` +
      `CASE WHEN extra IS NOT NULL THEN 'more than ${width}' ELSE (${present})::VARCHAR END`,
    rowText: `concat_ws(${sqlString(header.delimiter)}, ${[...names, 'extra'].join(', ')})`,
  };
}

function linesScan(plan: ScanPlan): ScanShape {
  const delimiter = sqlString(plan.header.delimiter);
  const read = `read_csv(${csvOptions(plan, NEVER, "columns = {line_text: 'VARCHAR'}", 'null_padding = false')})`;
  const fields = `(strlen(line_text) - strlen(replace(line_text, ${delimiter}, '')) + 1)`;
  return {
    source: `SELECT ordinality, line_text FROM ${read} WITH ORDINALITY WHERE line_text IS NOT NULL`,
    field: (index) => `split_part(line_text, ${delimiter}, ${index + 1})`,
    widthFails: `${fields} <> ${plan.header.width}`,
    widthReason: `'expected ${plan.header.width} fields like the header, found ' || ${fields}`,
    rowText: 'line_text',
  };
}

/** Each row of a scan with its raw texts, cleaned texts and typed values. */
function typedRows(plan: ScanPlan, scan: ScanShape): string {
  const { indexOf } = plan.header;
  const raw =
    `SELECT *, ${scan.field(indexOf.meter_id)} AS meter_id_raw, ${scan.field(indexOf.timestamp)} AS ts_raw, ` +
    `${scan.field(indexOf.kwh)} AS kwh_raw FROM (${scan.source})`;
  const texts = `SELECT *, ${cleaned('meter_id_raw', true)} AS meter_id, ${cleaned('ts_raw', false)} AS ts, ${cleaned('kwh_raw', false)} AS kwh_text FROM (${raw})`;
  return `SELECT *, try_cast(ts AS TIMESTAMPTZ) AS instant, try_cast(kwh_text AS DOUBLE) AS kwh FROM (${texts})`;
}

interface RowCheck {
  /** The column at fault, or null for the row as a whole. */
  readonly column: 'meter_id' | 'timestamp' | 'kwh' | null;
  /** SQL: the text reported as the rejected value. */
  readonly value: string;
  /** SQL: true when the row fails this check. Never null for a row that passes every check before it. */
  readonly fails: string;
  /** SQL: the reason, a string expression. */
  readonly reason: string;
}

/** The checks, in the order a row is judged (the first that fails names the reason). */
function rowChecks(plan: ScanPlan, scan: ScanShape): RowCheck[] {
  const { grid } = plan;
  const ms = 'epoch_ms(instant)';
  return [
    { column: null, value: scan.rowText, fails: scan.widthFails, reason: scan.widthReason },
    { column: 'meter_id', value: 'meter_id_raw', fails: `meter_id = ''`, reason: `'meter_id is empty'` },
    { column: 'timestamp', value: 'ts_raw', fails: `ts = ''`, reason: `'timestamp is empty'` },
    {
      column: 'timestamp',
      value: 'ts_raw',
      fails: 'instant IS NULL',
      reason: `'timestamp is not an ISO-8601 date and time'`,
    },
    {
      column: 'timestamp',
      value: 'ts_raw',
      // The pattern only for the few timestamps not ending in Z: it costs more than the cast.
      fails: `CASE WHEN suffix(ts, 'Z') THEN false ELSE NOT regexp_matches(ts, ${sqlString(OFFSET_PATTERN)}) END`,
      reason: `'timestamp has no UTC offset (write Z or ±hh:mm)'`,
    },
    {
      column: 'timestamp',
      value: 'ts_raw',
      fails: `${ms} < ${grid.startMs} OR ${ms} >= ${grid.endMs}`,
      reason: sqlString(`timestamp is outside the Paris day ${grid.date}`),
    },
    {
      column: 'timestamp',
      value: 'ts_raw',
      fails: `(${ms} - ${grid.startMs}) % ${grid.stepMinutes * 60_000} <> 0`,
      reason: sqlString(`timestamp is not on the ${grid.stepMinutes}-minute grid`),
    },
    { column: 'kwh', value: 'kwh_raw', fails: `kwh_text = ''`, reason: `'kwh is empty'` },
    { column: 'kwh', value: 'kwh_raw', fails: 'kwh IS NULL', reason: `'kwh is not a number'` },
    { column: 'kwh', value: 'kwh_raw', fails: 'NOT isfinite(kwh)', reason: `'kwh is not a finite number'` },
    { column: 'kwh', value: 'kwh_raw', fails: 'kwh < 0', reason: `'kwh is negative'` },
  ];
}

function anyFails(checks: readonly RowCheck[]): string {
  return checks.map((check) => `(${check.fails})`).join(' OR ');
}

function scanOf(plan: ScanPlan, kind: ScanKind, ordinality: boolean): ScanShape {
  return kind === 'fields' ? fieldsScan(plan, ordinality) : linesScan(plan);
}

/** Rows kept, as the readings table's columns. */
export function keptRowsQuery(plan: ScanPlan, kind: ScanKind): string {
  const scan = scanOf(plan, kind, false);
  return `SELECT meter_id, instant, kwh FROM (${typedRows(plan, scan)}) WHERE NOT (${anyFails(rowChecks(plan, scan))})`;
}

/**
 * One JSON text per rejected row, in line order: `{ file, line, column?, value, reason }` like the
 * quarantine files of other datasets (`column` is left out when the whole row is at fault).
 * `blankLines` are the line numbers of the blank lines after the header, in order (fields scan).
 */
export function rejectedRowsQuery(plan: ScanPlan, kind: ScanKind, blankLines: readonly number[] = []): string {
  const scan = scanOf(plan, kind, true);
  const checks = rowChecks(plan, scan);
  const verdict = checks
    .map(
      (check) =>
        `WHEN ${check.fails} THEN {'column': ${check.column === null ? 'NULL::VARCHAR' : sqlString(check.column)}, 'value': ${check.value}, 'reason': ${check.reason}}`,
    )
    .join(' ');
  // The n-th row after the header is on line n + 1, plus the blank lines before it: the j-th
  // blank line (1-based) b_j comes before the n-th row when b_j - j <= n.
  const shifts = kind === 'fields' && blankLines.length > 0 ? blankLines.map((line, j) => line - (j + 1)) : [];
  const line =
    shifts.length === 0
      ? 'ordinality + 1'
      : `ordinality + 1 + len(list_filter([${shifts.join(', ')}], shift -> shift <= ordinality))`;
  const judged = `SELECT ${line} AS line, CASE ${verdict} END AS r FROM (${typedRows(plan, scan)}) WHERE ${anyFails(checks)}`;
  const file = sqlString(plan.file);
  const json =
    `CASE WHEN r.column IS NULL THEN json_object('file', ${file}, 'line', line, 'value', r.value, 'reason', r.reason) ` +
    `ELSE json_object('file', ${file}, 'line', line, 'column', r.column, 'value', r.value, 'reason', r.reason) END`;
  return `SELECT ${json} AS rejected FROM (${judged}) ORDER BY line`;
}

/** Writes one JSON text per line, as it is: no header, no quoting (JSON escapes control characters). */
export function copyJsonLines(query: string, target: string): string {
  return `COPY (${query}) TO ${sqlString(target)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER ${NEVER})`;
}

export function copyParquet(query: string, target: string): string {
  return `COPY (${query}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`;
}

/**
 * Per meter: readings, distinct intervals present (a bit per interval of the day, so memory grows
 * with meters, not readings), missing intervals, readings on an interval already seen, total and
 * peak kWh (the earliest interval among equal peaks). Totals are rounded to 6 decimals so that
 * re-runs, whose sums may add in another order, give the same figures. Ordered by meter.
 */
export function meterDailyQuery(readingsPath: string, grid: DayGrid): string {
  const interval = `((epoch_ms(instant) - ${grid.startMs}) // ${grid.stepMinutes * 60_000})`;
  // 64 bits hold the 50 half-hours of the longest day; quarter-hours (up to 100) need 128.
  const bits = grid.expectedIntervals <= 64 ? 'UBIGINT' : 'HUGEINT';
  return (
    `SELECT meter_id, readings, intervals, ${grid.expectedIntervals} - intervals AS missing_intervals, ` +
    `readings - intervals AS duplicate_readings, total_kwh, peak_kwh, peak_at FROM (` +
    `SELECT meter_id, count(*) AS readings, ` +
    `bit_count(bit_or((1::${bits}) << (${interval}::${bits})))::BIGINT AS intervals, ` +
    `round(sum(kwh), 6) AS total_kwh, max(kwh) AS peak_kwh, ` +
    `arg_max(instant, {'kwh': kwh, 'earliest': -epoch_ms(instant)}) AS peak_at ` +
    `FROM read_parquet(${sqlString(readingsPath)}) GROUP BY meter_id) ORDER BY meter_id`
  );
}

/** The day's figures across meters, from the per-meter table. */
export function daySummaryQuery(meterDailyPath: string): string {
  return (
    `SELECT count(*) AS meters, coalesce(sum(readings), 0) AS readings, coalesce(sum(intervals), 0) AS intervals, ` +
    `coalesce(sum(missing_intervals), 0) AS missing_intervals, coalesce(sum(duplicate_readings), 0) AS duplicate_readings, ` +
    `count(*) FILTER (WHERE missing_intervals > 0) AS meters_with_gaps, round(sum(total_kwh), 6) AS total_kwh ` +
    `FROM read_parquet(${sqlString(meterDailyPath)})`
  );
}

/** The day's highest reading: the earliest, then the first meter by id, among equal peaks. */
export function dayPeakQuery(meterDailyPath: string): string {
  return (
    `SELECT meter_id, peak_kwh, epoch_ms(peak_at) AS peak_at_ms FROM read_parquet(${sqlString(meterDailyPath)}) ` +
    `ORDER BY peak_kwh DESC, peak_at, meter_id LIMIT 1`
  );
}
