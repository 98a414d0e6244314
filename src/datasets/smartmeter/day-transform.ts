/**
 * The smart-meter day: every file claimed for the day (any shape) → `readings.parquet` (the day's
 * readings, one per meter and instant), `meter_daily.parquet` (one row per meter) and the rejected
 * rows of its files. Each file is read once for all its days (`parsed-files.ts`); the day reads its
 * own readings from the parse, as Parquet, so memory stays bounded whatever the number of readings.
 *
 * - A reading belongs to Paris day D when its interval starts in [D 00:00, D+1 00:00) Paris.
 * - When several files hold the same (meter, instant), the latest to arrive wins (a corrected
 *   delivery), and within one file the last line; repeats within a file are counted as duplicates.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { copyJsonLines } from '../../duckdb/json-lines.js';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { TransformOutput } from '../contract.js';
import type { DayFile } from '../inputs.js';
import type { DayTransformContext } from '../each-day.js';
import type { SmartMeterConfig } from './config.js';
import { parsedDayRowsSql, parsedSmartMeterFile } from './parsed-files.js';

export const READINGS_TABLE = 'readings';
export const METER_DAILY_TABLE = 'meter_daily';

/** The meter of a file whose shape has none: the one given with the drop, else the file's name. */
export function meterOf(file: Pick<DayFile, 'options' | 'key'>): string {
  const given = file.options.meterId;
  if (given) return given;
  const name = file.options.fileName ?? file.key.split('/').pop() ?? file.key;
  return name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'meter';
}

/** A file of the day, parsed: the SQL of its rows for the day, how many rows it has, whether they carry a label. */
interface Scan {
  readonly sql: string;
  readonly rows: number;
  readonly labelled: boolean;
}

async function scanOf(db: DuckDBConnection, date: string, file: DayFile, config: SmartMeterConfig): Promise<Scan> {
  const parsed = await parsedSmartMeterFile(
    db,
    { path: file.path, key: file.key, sha256: file.sha256, meterId: meterOf(file) },
    config,
  );
  return {
    sql: parsedDayRowsSql(parsed, date, file.order),
    rows: parsed.manifest.rows,
    labelled: parsed.manifest.labelled,
  };
}

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
export async function transformSmartMeterFiles(
  context: DayTransformContext<SmartMeterConfig>,
): Promise<TransformOutput> {
  const { db, date } = context;
  const scans: Scan[] = [];
  for (const file of context.files) scans.push(await scanOf(db, date, file, context.config));
  try {
    await db.run(`CREATE OR REPLACE TEMP VIEW sm_rows AS ${scans.map((scan) => scan.sql).join(' UNION ALL ')}`);
    const read = scans.reduce((sum, scan) => sum + scan.rows, 0);
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
    await db.run('DROP VIEW IF EXISTS sm_rows');
    await db.run('DROP TABLE IF EXISTS sm_readings');
  }
}
