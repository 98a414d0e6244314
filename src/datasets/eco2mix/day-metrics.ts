/**
 * The eCO2mix daily metrics (docs/architecture.md#metrics-documents) of a day's `eco2mix_national` table, computed by the SQL
 * of figures-sql.ts — the same SQL the monthly and annual reports roll up — plus where the points
 * came from and their nature (the oldest among them: a day holding one real-time point is real time). Same Parquet, same bits, whether a day is computed alone or with many others.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { parisDayBounds, PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { DayMetrics, MetricsContext } from '../contract.js';
import type { Eco2mixConfig } from './dataset.js';
import { dayFigures, daysFigures, type DayPartition, type Figures } from './figures-sql.js';
import { PRODUCTION_SOURCES } from './labels.js';
import { NATURE_RANK_SQL, natureOfRank, type Eco2mixNature } from './nature.js';
import { eco2mixMetricsSchema, type Eco2mixMetrics } from './metrics-schema.js';
import { ECO2MIX_TABLE } from './record.js';

/** A day's table: its date and local path. */
export interface DayTable {
  readonly date: string;
  readonly path: string;
}

/** The sources of the points, by local path: null without points, `mixed` when both. */
function sourceOf(sources: readonly string[]): Eco2mixMetrics['source'] {
  if (sources.length === 0) return null;
  if (sources.length > 1) return 'mixed';
  return sources[0] === 'consolidated' ? 'consolidated' : 'realtime';
}

/** Where a day's points with consumption came from: their sources, and the oldest nature among them. */
export interface Provenance {
  readonly sources: readonly string[];
  readonly nature: Eco2mixNature | null;
}

export async function provenanceByPath(
  db: DuckDBConnection,
  paths: readonly string[],
): Promise<Map<string, Provenance>> {
  const rows = await db.runAndReadAll(
    `SELECT filename, list(DISTINCT source ORDER BY source), min(${NATURE_RANK_SQL})
      FROM read_parquet([${paths.map((p) => sqlString(p)).join(', ')}], filename = true)
      WHERE consommation IS NOT NULL GROUP BY filename`,
  );
  const parsed = z.array(z.tuple([z.string(), z.array(z.string()), z.number()])).parse(rows.getRowsJson());
  return new Map(parsed.map(([file, sources, rank]) => [file, { sources, nature: natureOfRank(rank) }]));
}

const NO_POINTS: Provenance = { sources: [], nature: null };

function partitionOf(table: DayTable): DayPartition {
  return { ...table, hours: parisDayBounds(table.date).hours };
}

function documentOf(day: DayPartition, figures: Figures | null, provenance: Provenance): Eco2mixMetrics {
  // A day without points counts in quarter-hours, the real-time grid.
  const expectedPoints = figures?.expectedPoints ?? day.hours * 4;
  const points = figures?.points ?? 0;
  const none = Object.fromEntries(
    PRODUCTION_SOURCES.map((s) => [s, null]),
  ) as Eco2mixMetrics['production']['bySourceMWh'];
  // Parsed to come out in the §6 order of fields, whatever order the SQL gave them in.
  return eco2mixMetricsSchema.parse({
    dataset: 'eco2mix',
    date: day.date,
    timezone: PARTITION_TIMEZONE,
    source: sourceOf(provenance.sources),
    nature: provenance.nature,
    stepMinutes: (day.hours * 60) / expectedPoints === 30 ? 30 : 15,
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

export async function eco2mixDayMetrics(db: DuckDBConnection, date: string, path: string): Promise<Eco2mixMetrics> {
  const day = partitionOf({ date, path });
  const figures = await dayFigures(db, day);
  return documentOf(day, figures, (await provenanceByPath(db, [path])).get(path) ?? NO_POINTS);
}

/** {@link eco2mixDayMetrics} of many days in two statements, by date: the same documents. */
export async function eco2mixDaysMetrics(
  db: DuckDBConnection,
  tables: readonly DayTable[],
): Promise<Map<string, Eco2mixMetrics>> {
  const days = tables.map(partitionOf);
  const figures = await daysFigures(db, days);
  const provenance = await provenanceByPath(
    db,
    days.map((d) => d.path),
  );
  return new Map(
    days.map((day) => [
      day.date,
      documentOf(day, figures.get(day.date) ?? null, provenance.get(day.path) ?? NO_POINTS),
    ]),
  );
}

/**
 * The metrics document of each day of the range (docs/architecture.md#metrics-documents), from its
 * `eco2mix_national` table: a day alone in one statement, many days in two.
 */
export async function eco2mixMetrics(context: MetricsContext<Eco2mixConfig>): Promise<Map<string, DayMetrics>> {
  const tables = context.days.map((day) => {
    const table = day.tables[ECO2MIX_TABLE];
    if (table === undefined) throw new Error(`no ${ECO2MIX_TABLE} table for ${day.date}`);
    return { date: day.date, path: table };
  });
  const [only] = tables;
  const documents =
    only && tables.length === 1
      ? new Map([[only.date, await eco2mixDayMetrics(context.db, only.date, only.path)]])
      : await eco2mixDaysMetrics(context.db, tables);
  return new Map([...documents].map(([date, document]) => [date, { document, completeness: document.completeness }]));
}
