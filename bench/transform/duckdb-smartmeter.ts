/**
 * The DuckDB-native reference for the smart-meter day: the nearest equivalent of courant's transform
 * written as plain SQL, DuckDB reading the CSV itself, with the same row rules and the same
 * per-meter metrics, and the same anomaly scoring as courant's metrics step (courant's scoring query,
 * which is plain DuckDB SQL, run once over the day's readings: the day has no history here, as in
 * courant's run). What it leaves out is what SQL alone cannot give cheaply: the line of each row
 * rejected by a rule (only the rows DuckDB's reader cannot read are listed, from its rejects table).
 * DuckDB defaults (its memory limit: 80 % of the machine's) but for 2 threads (the machine's cores)
 * and unordered output.
 * Usage: duckdb-smartmeter.ts --input FILE --date D --out DIR
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ANOMALY_THRESHOLD, anomalyScoresSql } from '../../src/datasets/smartmeter/anomaly-sql.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required, treeBytes, type TransformReport } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const date = required(args, 'date');
const out = required(args, 'out');
const { start, end } = parisDayBounds(date);
const S = start.getTime();
const E = end.getTime();
const STEP = 1_800_000;

const db = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'false' });
const connection = await db.connect();
try {
  const started = performance.now();
  const dir = path.join(out, `dt=${date}`);
  await mkdir(dir, { recursive: true });
  const readings = path.join(dir, 'meter_readings.parquet');
  const meters = path.join(dir, 'meter_daily.parquet');
  const source = `read_csv(${sqlString(input)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
      columns = {meter_id: 'VARCHAR', timestamp: 'VARCHAR', kwh: 'VARCHAR'}, store_rejects = true)`;
  const typed = `SELECT trim(meter_id) AS meter_id, timestamp AS ts, try_cast(timestamp AS TIMESTAMPTZ) AS instant,
      try_cast(kwh AS DOUBLE) AS kwh FROM ${source}`;
  const written = await connection.runAndReadAll(`COPY (
      SELECT meter_id, instant, kwh FROM (${typed})
      WHERE meter_id <> '' AND instant IS NOT NULL
        AND (suffix(ts, 'Z') OR regexp_matches(ts, '[+-]\\d{2}(:?\\d{2})?\\s*$'))
        AND epoch_ms(instant) >= ${S} AND epoch_ms(instant) < ${E} AND (epoch_ms(instant) - ${S}) % ${STEP} = 0
        AND isfinite(kwh) AND kwh >= 0
    ) TO ${sqlString(readings)} (FORMAT parquet, COMPRESSION zstd)`);
  const rejected = await connection.runAndReadAll(`COPY (
      SELECT line, column_name AS column, csv_line AS value, error_message AS reason FROM reject_errors ORDER BY line
    ) TO ${sqlString(path.join(dir, 'rejects.jsonl'))} (FORMAT json)`);
  await connection.run(`COPY (
      SELECT meter_id, count(*) AS readings,
        bit_count(bit_or((1::UBIGINT) << (((epoch_ms(instant) - ${S}) // ${STEP})::UBIGINT)))::BIGINT AS intervals,
        sum(kwh) AS total_kwh, max(kwh) AS peak_kwh, arg_max(instant, kwh) AS peak_at
      FROM read_parquet(${sqlString(readings)}) GROUP BY meter_id
    ) TO ${sqlString(meters)} (FORMAT parquet, COMPRESSION zstd)`);
  const scored = anomalyScoresSql(`SELECT meter_id, instant AS ts, kwh FROM read_parquet(${sqlString(readings)})`, {
    day: date,
  });
  await connection.run(
    `COPY (SELECT * FROM (${scored}) WHERE score > ${ANOMALY_THRESHOLD}) TO ${sqlString(path.join(dir, 'anomalies.parquet'))} (FORMAT parquet)`,
  );
  const summary = (
    await connection.runAndReadAll(`SELECT count(*) AS meters, sum(readings) AS readings, sum(intervals) AS intervals,
      sum(total_kwh) AS total_kwh, count(*) FILTER (WHERE intervals < 48) AS meters_with_gaps
      FROM read_parquet(${sqlString(meters)})`)
  ).getRowObjects()[0];
  const totalKWh = Number(summary?.total_kwh ?? 0);
  await writeFile(
    path.join(dir, 'metrics.json'),
    `${JSON.stringify({ date, meters: Number(summary?.meters), readings: Number(summary?.readings), totalKWh }, null, 2)}\n`,
  );
  const report: TransformReport = {
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: peakRssBytes() ?? 0,
    outputBytes: await treeBytes(out),
    checks: {
      rowsRead: -1,
      rowsWritten: Number(written.getRows()[0]?.[0] ?? 0),
      rowsRejected: Number(rejected.getRows()[0]?.[0] ?? 0),
      days: 1,
      total: Math.round(totalKWh),
    },
  };
  printReport(report);
} finally {
  connection.closeSync();
  db.closeSync();
}
