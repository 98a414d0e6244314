/**
 * The smart-meter day: every file claimed for the day (any shape) → `readings.parquet` (the day's
 * readings, one per meter and instant), `meter_daily.parquet` (one row per meter) and the rejected
 * rows. DuckDB reads the files itself and keeps the rows in a temporary table that spills to disk
 * past its memory limit, so memory stays bounded whatever the number of readings.
 *
 * - A reading belongs to Paris day D when its interval starts in [D 00:00, D+1 00:00) Paris.
 * - When several files hold the same (meter, instant), the latest to arrive wins (a corrected
 *   delivery), and within one file the last line; repeats within a file are counted as duplicates.
 * - A Paris local time of the October hour that repeats, written twice for a meter in one file,
 *   is summer time the first time and winter time the second; written once, winter time.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../parquet/columns.js';
import { copyToParquetSql } from '../../parquet/copy.js';
import { copyJsonLines } from '../../parquet/json-lines.js';
import { BadDataError } from '../../shared/errors.js';
import { parisDayBounds } from '../../shared/partition.js';
import type { DayFile, TransformContext, TransformOutput } from '../contract.js';
import { asBadData } from './duckdb-errors.js';
import { readHeaderLine } from './header.js';
import { countDataLines } from './line-count.js';
import { fileRowsSql } from './rows-sql.js';
import { recogniseShape } from './shapes.js';
import type { SmartMeterConfig } from './config.js';

export const READINGS_TABLE = 'readings';
export const METER_DAILY_TABLE = 'meter_daily';

/** The meter of a file whose shape has none: the one given with the drop, else the file's name. */
export function meterOf(file: Pick<DayFile, 'options' | 'key'>): string {
  const given = file.options.meterId;
  if (given) return given;
  const name = file.options.fileName ?? file.key.split('/').pop() ?? file.key;
  return name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'meter';
}

/** A file of the day: the SQL reading its rows, and how many non-blank lines follow its header. */
interface Scan {
  readonly file: DayFile;
  readonly sql: string;
  readonly dataLines: number;
  /** Whether its shape carries a label. */
  readonly labelled: boolean;
}

async function scanOf(file: DayFile, config: SmartMeterConfig): Promise<Scan> {
  const shape = recogniseShape(await readHeaderLine(file.path, file.key), file.key, config.stepMinutes);
  const lines = await countDataLines(file.path);
  const sql = fileRowsSql({
    path: file.path,
    file: file.key,
    arrival: file.order,
    shape,
    meterId: meterOf(file),
    blankLines: lines.blankLines ?? [],
  });
  return { file, sql, dataLines: lines.dataLines, labelled: shape.label !== null };
}

/**
 * Every non-blank line after a file's header must be a row, kept or rejected: a line DuckDB's
 * reader skipped would be lost without a reason, so the file is refused instead.
 */
async function assertEveryLineRead(db: DuckDBConnection, scans: readonly Scan[]): Promise<void> {
  const counts = await db.runAndReadAll('SELECT arrival, count(*) FROM sm_rows GROUP BY arrival');
  const rows = new Map(counts.getRowsJson().map(([arrival, n]) => [Number(arrival), Number(n)]));
  for (const { file, dataLines } of scans) {
    const read = rows.get(file.order) ?? 0;
    if (read !== dataLines) {
      throw new BadDataError(
        { file: file.key },
        `${dataLines} non-blank lines follow the header, but ${read} were read as rows (a carriage return alone as a line end?)`,
      );
    }
  }
}

/**
 * What the day keeps of each row, narrow so that millions of rows stay in memory or spill little:
 * the file as its arrival (its key is joined back where written), the naive local time only where
 * the October hour repeats.
 */
const SM_ROWS_COLUMNS =
  'arrival, line, meter_id, ts, kwh, label, step, repeated, CASE WHEN repeated THEN naive END AS naive, reason, bad_column, bad_value';

async function count(db: DuckDBConnection, sql: string): Promise<number> {
  return Number((await db.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/** The day's files as a relation `(arrival, file)`: the rows carry only their file's arrival. */
function filesSql(files: readonly DayFile[]): string {
  return `(VALUES ${files.map((f) => `(${f.order}, ${sqlString(f.key)})`).join(', ')}) AS files(arrival, file)`;
}

/** A row's place among the day's rows, one number: later files, then later lines, win. */
const PLACE = 'arrival * 4294967296 + line';

/**
 * One row per meter and instant of the day, its reading the one at the latest place. One
 * aggregation on narrow states (no struct, no distinct; no label when no file has one): a reading
 * sent in several files has its repeats counted after, on those few readings only.
 */
function readingsSql(date: string, scans: readonly Scan[]): string {
  const { start, end } = parisDayBounds(date);
  const label = scans.some((scan) => scan.labelled) ? `arg_max_null(label, ${PLACE})` : 'NULL::VARCHAR';
  const severalFiles = scans.length > 1 ? 'min(arrival) < max(arrival)' : 'false';
  return `
CREATE OR REPLACE TEMP TABLE sm_readings AS
SELECT meter_id, ts, arg_max(kwh, ${PLACE}) AS kwh, ${label} AS label, max(${PLACE}) AS place,
       (count(*) - 1)::BIGINT AS repeats, min(step) AS step, ${severalFiles} AS several_files
FROM sm_rows WHERE reason IS NULL
  AND ts >= ${sqlString(start.toISOString())}::TIMESTAMPTZ AND ts < ${sqlString(end.toISOString())}::TIMESTAMPTZ
GROUP BY meter_id, ts`;
}

/** Repeats of a reading sent in several files: those within each file only. */
const SEVERAL_FILES_REPEATS = `
UPDATE sm_readings SET repeats = counted.repeats FROM (
  SELECT meter_id, ts, (count(*) - count(DISTINCT arrival))::BIGINT AS repeats
  FROM sm_rows SEMI JOIN (SELECT meter_id, ts FROM sm_readings WHERE several_files) USING (meter_id, ts)
  WHERE reason IS NULL GROUP BY meter_id, ts) counted
WHERE sm_readings.meter_id = counted.meter_id AND sm_readings.ts = counted.ts`;

/** One row per meter; energies are summed exactly (as decimals), so that re-runs give the same figures. */
function meterDailySql(date: string): string {
  const { start, end } = parisDayBounds(date);
  const minutes = Math.round((end.getTime() - start.getTime()) / 60_000);
  return `
SELECT meter_id, energy_kwh, readings, expected_readings, round(readings / expected_readings, 6) AS completeness,
       max_kwh, max_at, greatest(expected_readings - readings, 0)::INTEGER AS gaps, duplicates, step_minutes
FROM (
  SELECT meter_id, round(sum(kwh::DECIMAL(38, 12)), 6)::DOUBLE AS energy_kwh, count(*)::INTEGER AS readings,
         (${minutes} // min(step))::INTEGER AS expected_readings, max(kwh) AS max_kwh,
         arg_max(ts, {'kwh': kwh, 'earliest': -epoch_ms(ts)}) AS max_at,
         sum(repeats)::INTEGER AS duplicates, min(step)::INTEGER AS step_minutes
  FROM sm_readings GROUP BY meter_id)
ORDER BY meter_id`;
}

/** See the module's doc: the day's files → readings, per-meter figures and rejects. Idempotent. */
export async function transformSmartMeterFiles(context: TransformContext<SmartMeterConfig>): Promise<TransformOutput> {
  const { db, date } = context;
  const scans = await Promise.all(context.files.map((file) => scanOf(file, context.config)));
  const keys = context.files.map((f) => f.key).join(', ');
  try {
    await asBadData(keys, () =>
      db.run(
        `CREATE OR REPLACE TEMP TABLE sm_rows AS SELECT ${SM_ROWS_COLUMNS} FROM (${scans.map((scan) => scan.sql).join(' UNION ALL ')})`,
      ),
    );
    await assertEveryLineRead(db, scans);
    // The first of two writings of a repeated October local time is summer time, an hour earlier.
    await db.run(`
UPDATE sm_rows SET ts = ts - INTERVAL 1 HOUR FROM (
  SELECT arrival, line FROM (
    SELECT arrival, line, row_number() OVER (PARTITION BY arrival, meter_id, naive ORDER BY line) AS n,
           count(*) OVER (PARTITION BY arrival, meter_id, naive) AS k
    FROM sm_rows WHERE repeated AND reason IS NULL)
  WHERE n = 1 AND k > 1) firsts
WHERE sm_rows.arrival = firsts.arrival AND sm_rows.line = firsts.line`);
    const read = await count(db, 'SELECT count(*) FROM sm_rows');
    const rejected = await count(
      db,
      copyJsonLines(
        `SELECT CASE WHEN bad_column IS NULL THEN json_object('file', file, 'line', line, 'value', bad_value, 'reason', reason) ` +
          `ELSE json_object('file', file, 'line', line, 'column', bad_column, 'value', bad_value, 'reason', reason) END ` +
          `FROM sm_rows JOIN ${filesSql(context.files)} USING (arrival) WHERE reason IS NOT NULL ORDER BY arrival, line`,
        context.rejectsPath,
      ),
    );
    await db.run(readingsSql(date, scans));
    await db.run(SEVERAL_FILES_REPEATS);
    const written = await count(
      db,
      copyToParquetSql(
        `SELECT meter_id, ts, kwh, file, (place % 4294967296)::INTEGER AS line, label
         FROM sm_readings JOIN ${filesSql(context.files)} ON arrival = place // 4294967296 ORDER BY meter_id, ts`,
        context.tablePath(READINGS_TABLE),
      ),
    );
    await db.run(copyToParquetSql(meterDailySql(date), context.tablePath(METER_DAILY_TABLE)));
    return { tables: [READINGS_TABLE, METER_DAILY_TABLE], rows: { read, written, rejected } };
  } finally {
    await db.run('DROP TABLE IF EXISTS sm_rows');
    await db.run('DROP TABLE IF EXISTS sm_readings');
  }
}
