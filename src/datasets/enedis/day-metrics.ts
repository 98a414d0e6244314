/**
 * The Enedis day's metrics (`metrics/enedis/dt={date}/metrics.json`), as SQL over its index
 * readings: readings, PRMs, readings per flow, flagged readings (`INCONNU` classes, `DN999999`
 * calendars) and estimated ones. Completeness has no meaning for a day of deliveries: null.
 *
 * `deliveries` lists the day's numbered deliveries (`deliveries.ts`), and `missedDeliveries` the
 * gaps they reveal against the deliveries of the `DELIVERY_HISTORY_DAYS` days before that are
 * stored: the numbers missing just before one of the day's deliveries, or parts missing from it.
 * Days run in parallel (one ingestion of many files) may not see each other's deliveries yet: a
 * re-run of the day, or `courant status`, which reads every day's deliveries, tells the final word.
 */
import { sqlString } from '../../duckdb/columns.js';
import { PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { DayMetrics } from '../contract.js';
import type { DayMetricsContext } from '../each-day.js';
import type { EnedisConfig } from './config.js';
import { missedDeliveries } from './deliveries.js';
import { INDEX_TABLE } from './day-transform.js';
import { DELIVERY_TABLE, readDeliveries } from './delivery-table.js';

/** Days before a day whose deliveries its own are compared with. */
export const DELIVERY_HISTORY_DAYS = 31;

export async function enedisMetrics(context: DayMetricsContext<EnedisConfig>): Promise<DayMetrics> {
  const table = context.tables[INDEX_TABLE];
  if (table === undefined) throw new Error(`no ${INDEX_TABLE} table for ${context.date}`);
  const source = `read_parquet(${sqlString(table)})`;
  const [summary = {}] = (
    await context.db.runAndReadAll(
      `SELECT count(*) AS readings, count(DISTINCT prm) AS prms, count(*) FILTER (WHERE flagged) AS flagged,
              count(*) FILTER (WHERE nature = 'estimated') AS estimated
       FROM ${source}`,
    )
  ).getRowObjects();
  const perFlow = (
    await context.db.runAndReadAll(`SELECT flow, count(*) AS n FROM ${source} GROUP BY flow ORDER BY flow`)
  ).getRowObjects();
  const deliveries = await readDeliveries(
    context.db,
    context.tables[DELIVERY_TABLE] ? [context.tables[DELIVERY_TABLE]] : [],
  );
  const before = deliveries.length === 0 ? [] : await context.history(DELIVERY_TABLE, DELIVERY_HISTORY_DAYS);
  const missed = missedDeliveries([...(await readDeliveries(context.db, before)), ...deliveries]).filter(
    (m) => m.noticed === context.date,
  );
  return {
    document: {
      dataset: 'enedis',
      date: context.date,
      timezone: PARTITION_TIMEZONE,
      readings: Number(summary.readings ?? 0),
      prms: Number(summary.prms ?? 0),
      flagged: Number(summary.flagged ?? 0),
      estimated: Number(summary.estimated ?? 0),
      readingsByFlow: Object.fromEntries(perFlow.map((row) => [String(row.flow), Number(row.n)])),
      deliveries: deliveries.map(({ name, series, number, part, parts, stamp }) => ({
        name,
        series,
        number,
        part,
        parts,
        stamp,
      })),
      missedDeliveries: missed,
    },
    completeness: null,
  };
}
