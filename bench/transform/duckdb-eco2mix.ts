/**
 * The DuckDB-native reference for eCO2mix-shaped input: the nearest equivalent of courant's
 * transform as plain SQL — DuckDB reads the export, types and checks the measures, writes one
 * Parquet partition per Paris day and the day metrics (docs/architecture.md#metrics-documents) as
 * JSON lines. As for smart meters, rows failing a rule are dropped, not listed with their line.
 * Usage: duckdb-eco2mix.ts --input FILE --out DIR
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ECO2MIX_MEASURES } from '../../src/datasets/eco2mix/record.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { printReport } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';
import { argsOf, required, treeBytes, type TransformReport } from './outputs.js';

const args = argsOf(process.argv.slice(2));
const input = required(args, 'input');
const out = required(args, 'out');
const SOURCES = ['fioul', 'charbon', 'gaz', 'nucleaire', 'eolien', 'solaire', 'hydraulique', 'bioenergies'];
const LOW_CARBON = ['nucleaire', 'eolien', 'solaire', 'hydraulique', 'bioenergies'];

const missing = (column: string) => `lower(trim(coalesce(${column}, ''))) IN ('', 'nd', '-', 'null')`;

const db = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'false' });
const connection = await db.connect();
try {
  const started = performance.now();
  const processed = path.join(out, 'processed');
  await mkdir(path.join(out, 'metrics'), { recursive: true });
  const source = `read_csv(${sqlString(input)}, delim = ';', header = true, all_varchar = true)`;
  const measures = ECO2MIX_MEASURES.map(
    (m) => `CASE WHEN ${missing(m)} THEN NULL ELSE try_cast(${m} AS DOUBLE) END AS ${m}`,
  ).join(', ');
  const valid = ECO2MIX_MEASURES.map((m) => `(${missing(m)} OR try_cast(${m} AS DOUBLE) IS NOT NULL)`).join(' AND ');
  const kept = `SELECT try_cast(date_heure AS TIMESTAMPTZ) AS instant, 'realtime' AS source, nature, ${measures}
      FROM ${source} WHERE try_cast(date_heure AS TIMESTAMPTZ) IS NOT NULL AND ${valid}
      QUALIFY row_number() OVER (PARTITION BY instant) = 1`;
  const written = await connection.runAndReadAll(`COPY (
      SELECT *, strftime(timezone('Europe/Paris', instant), '%Y-%m-%d') AS dt FROM (${kept})
    ) TO ${sqlString(processed)} (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd, OVERWRITE_OR_IGNORE)`);

  const sum = (m: string) => `sum(${m}) FILTER (WHERE consommation IS NOT NULL)`;
  const days = `SELECT dt, count(consommation) AS points,
      CASE WHEN bool_or(minute(timezone('UTC', instant)) % 30 = 15) FILTER (WHERE consommation IS NOT NULL) THEN 15 ELSE 30 END AS step,
      (epoch(timezone('Europe/Paris', (dt::DATE + 1)::TIMESTAMP)) - epoch(timezone('Europe/Paris', dt::DATE::TIMESTAMP))) / 3600 AS hours,
      sum(consommation) AS consumption, max(consommation) AS peak, arg_max(instant, consommation) AS peak_at,
      min(consommation) AS minimum, arg_min(instant, consommation) AS min_at, avg(consommation) AS mean,
      ${SOURCES.map((m) => `${sum(m)} AS ${m}`).join(', ')}, ${sum('ech_physiques')} AS net_import,
      avg(taux_co2) FILTER (WHERE consommation IS NOT NULL) AS co2,
      100 * avg(abs(consommation - prevision_j1) / consommation) FILTER (WHERE prevision_j1 IS NOT NULL AND consommation <> 0) AS mape
    FROM read_parquet(${sqlString(path.join(processed, '*', '*.parquet'))}, hive_partitioning = true) GROUP BY dt`;
  const total = SOURCES.map((m) => `coalesce(${m}, 0)`).join(' + ');
  const low = LOW_CARBON.map((m) => `coalesce(${m}, 0)`).join(' + ');
  const metrics = await connection.runAndReadAll(`COPY (
      SELECT 'eco2mix' AS dataset, dt AS date, 'Europe/Paris' AS timezone, step AS stepMinutes, points,
        hours * 60 // step AS expectedPoints, points / (hours * 60 / step) AS completeness,
        {'energyMWh': consumption * step / 60, 'peakMW': peak, 'peakAt': peak_at, 'minMW': minimum, 'minAt': min_at, 'meanMW': mean} AS consumption,
        {'totalMWh': (${total}) * step / 60, ${SOURCES.map((m) => `'${m}': ${m} * step / 60`).join(', ')},
         'lowCarbonSharePct': 100 * (${low}) / nullif(${total}, 0)} AS production,
        {'netImportMWh': net_import * step / 60} AS exchanges, {'meanIntensityGPerKWh': co2} AS co2,
        {'dayAheadMAPEPct': mape} AS forecast, consumption * step / 60 AS energy
      FROM (${days}) ORDER BY dt
    ) TO ${sqlString(path.join(out, 'metrics', 'metrics.jsonl'))} (FORMAT json)`);
  const energy = (
    await connection.runAndReadAll(
      `SELECT sum(energy) FROM read_json(${sqlString(path.join(out, 'metrics', 'metrics.jsonl'))}, format = 'newline_delimited')`,
    )
  ).getRows()[0]?.[0];
  const report: TransformReport = {
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: peakRssBytes() ?? 0,
    outputBytes: await treeBytes(out),
    checks: {
      rowsRead: -1,
      rowsWritten: Number(written.getRows()[0]?.[0] ?? 0),
      rowsRejected: -1,
      days: Number(metrics.getRows()[0]?.[0] ?? 0),
      total: Math.round(Number(energy ?? 0)),
    },
  };
  printReport(report);
} finally {
  connection.closeSync();
  db.closeSync();
}
