/**
 * The eCO2mix daily metrics (DESIGN §6) of one day's `eco2mix_national` table, computed by the SQL
 * of figures-sql.ts — the same SQL the monthly and annual reports roll up — plus where the points
 * came from. Same Parquet, same bits.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../parquet/columns.js';
import { parisDayBounds, PARTITION_TIMEZONE } from '../../shared/partition.js';
import { dayFigures } from './figures-sql.js';
import { PRODUCTION_SOURCES } from './labels.js';
import { eco2mixMetricsSchema, type Eco2mixMetrics } from './metrics-schema.js';

async function sourceOf(db: DuckDBConnection, path: string): Promise<Eco2mixMetrics['source']> {
  const rows = await db.runAndReadAll(
    `SELECT DISTINCT source FROM read_parquet(${sqlString(path)}) WHERE consommation IS NOT NULL ORDER BY source`,
  );
  const sources = rows.getRows().map((row) => String(row[0]));
  if (sources.length === 0) return null;
  if (sources.length > 1) return 'mixed';
  return sources[0] === 'consolidated' ? 'consolidated' : 'realtime';
}

export async function eco2mixDayMetrics(db: DuckDBConnection, date: string, path: string): Promise<Eco2mixMetrics> {
  const { hours } = parisDayBounds(date);
  const figures = await dayFigures(db, { date, path, hours });
  // A day without points counts in quarter-hours, the real-time grid.
  const expectedPoints = figures?.expectedPoints ?? hours * 4;
  const points = figures?.points ?? 0;
  const none = Object.fromEntries(
    PRODUCTION_SOURCES.map((s) => [s, null]),
  ) as Eco2mixMetrics['production']['bySourceMWh'];
  // Parsed to come out in the §6 order of fields, whatever order the SQL gave them in.
  return eco2mixMetricsSchema.parse({
    dataset: 'eco2mix',
    date,
    timezone: PARTITION_TIMEZONE,
    source: await sourceOf(db, path),
    stepMinutes: (hours * 60) / expectedPoints === 30 ? 30 : 15,
    points,
    expectedPoints,
    completeness: points / expectedPoints,
    consumption: figures?.consumption ?? {
      energyMWh: null,
      peakMW: null,
      peakAt: null,
      minMW: null,
      minAt: null,
      meanMW: null,
    },
    production: figures?.production ?? { totalMWh: null, bySourceMWh: none, lowCarbonSharePct: null },
    exchanges: figures?.exchanges ?? { netImportMWh: null },
    co2: figures?.co2 ?? { meanIntensityGPerKWh: null },
    forecast: figures?.forecast ?? { dayAheadMAPEPct: null },
  });
}
