/**
 * The Paris roadworks day's metrics (`metrics/cityflow-roadworks/dt={date}/metrics.json`), as SQL
 * over its `roadworks` table: works in the list, works active on D, their impact on traffic and
 * their arrondissement, works starting and ending on D, the flagged (undated) works, and the active
 * works that disturb most. Completeness: 1 (the day's list was taken; without it the day has no data).
 */
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { DayMetrics } from '../contract.js';
import type { DayMetricsContext } from '../each-day.js';
import type { RoadworksConfig } from './config.js';
import { ROADWORKS_TABLE, SNAPSHOT_TABLE } from './transform.js';

/** The impacts the portal gives, from the strongest: a blank impact counts as `unknown`. */
export const IMPACTS = ['BARRAGE_TOTAL', 'IMPASSE', 'SENS_UNIQUE', 'RESTREINTE'] as const;
export const UNKNOWN = 'unknown';

/** Active works listed as disturbing most: strongest impact, then level 2 before 1, then the longest to run. */
const BIGGEST = 10;

/** SQL ranking an impact: 1 for the strongest (a road closed), last for a blank or unexpected one. */
export const IMPACT_RANK = `coalesce(list_position([${IMPACTS.map(sqlString).join(', ')}], impact), ${IMPACTS.length + 1})`;

const text = z.string().nullable();
/** The rows read back from DuckDB (counts cast to INTEGER, instants to epoch milliseconds). */
const summaryRow = z.object({
  works: z.number(),
  active: z.number(),
  started: z.number(),
  ended: z.number(),
  undated: z.number(),
});
const countRow = z.object({ k: z.string(), n: z.number() });
const workRow = z.object({
  id: text,
  arrondissement: text,
  street: text,
  object: text,
  starts: text,
  ends: text,
  impact: text,
  level: z.number().nullable(),
});
const snapshotRow = z.object({ slot: text, taken_at: z.number().nullable(), file: text });

/** The day's metrics document, from its `roadworks` and `roadworks_snapshot` tables. */
export async function roadworksMetrics(context: DayMetricsContext<RoadworksConfig>): Promise<DayMetrics> {
  const table = context.tables[ROADWORKS_TABLE];
  if (table === undefined) throw new Error(`no ${ROADWORKS_TABLE} table for ${context.date}`);
  const source = `read_parquet(${sqlString(table)})`;
  const day = `${sqlString(context.date)}::DATE`;
  const rows = async <T>(schema: z.ZodType<T>, sql: string) =>
    z.array(schema).parse((await context.db.runAndReadAll(sql)).getRowObjects());
  const [s] = await rows(
    summaryRow,
    `SELECT count(*)::INTEGER AS works, count(*) FILTER (WHERE active)::INTEGER AS active,
       count(*) FILTER (WHERE starts = ${day})::INTEGER AS started, count(*) FILTER (WHERE ends = ${day})::INTEGER AS ended,
       count(*) FILTER (WHERE starts IS NULL OR ends IS NULL OR ends < starts)::INTEGER AS undated
     FROM ${source}`,
  );
  const activeBy = (column: string) =>
    rows(
      countRow,
      `SELECT coalesce(${column}, '${UNKNOWN}') AS k, count(*)::INTEGER AS n FROM ${source} WHERE active GROUP BY ALL ORDER BY k`,
    );
  const byImpact = await activeBy('impact');
  const byArrondissement = await activeBy('arrondissement');
  const biggest = await rows(
    workRow,
    `SELECT id, arrondissement, street, object, starts::VARCHAR AS starts, ends::VARCHAR AS ends, impact, level
     FROM ${source} WHERE active
     ORDER BY ${IMPACT_RANK}, level DESC NULLS LAST, ends DESC, id LIMIT ${BIGGEST}`,
  );
  const snapshotTable = context.tables[SNAPSHOT_TABLE];
  const [snapshot] =
    snapshotTable === undefined
      ? []
      : await rows(
          snapshotRow,
          `SELECT slot, epoch_ms(taken_at)::DOUBLE AS taken_at, file FROM read_parquet(${sqlString(snapshotTable)})`,
        );
  const counts = (list: ReadonlyArray<z.infer<typeof countRow>>) => Object.fromEntries(list.map((r) => [r.k, r.n]));
  return {
    document: {
      dataset: 'cityflow-roadworks',
      date: context.date,
      timezone: PARTITION_TIMEZONE,
      snapshot: {
        slot: snapshot?.slot ?? null,
        takenAt:
          snapshot === undefined || snapshot.taken_at === null ? null : new Date(snapshot.taken_at).toISOString(),
        file: snapshot?.file ?? null,
      },
      works: s?.works ?? 0,
      active: s?.active ?? 0,
      startedOnDay: s?.started ?? 0,
      endedOnDay: s?.ended ?? 0,
      undated: s?.undated ?? 0,
      activeByImpact: { ...Object.fromEntries([...IMPACTS, UNKNOWN].map((k) => [k, 0])), ...counts(byImpact) },
      activeByArrondissement: counts(byArrondissement),
      biggestActive: biggest.map((w) => ({ ...w, impact: w.impact ?? UNKNOWN })),
      completeness: 1,
    },
    completeness: 1,
  };
}
