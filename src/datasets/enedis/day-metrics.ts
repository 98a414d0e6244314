/**
 * The Enedis day's metrics (`metrics/enedis/dt={date}/metrics.json`), as SQL over its index
 * readings: readings, PRMs, readings per flow, flagged readings (`INCONNU` classes, `DN999999`
 * calendars) and estimated ones. Completeness has no meaning for a day of deliveries: null.
 */
import { sqlString } from '../../parquet/columns.js';
import { PARTITION_TIMEZONE } from '../../shared/partition.js';
import type { DayMetrics, MetricsContext } from '../contract.js';
import type { EnedisConfig } from './config.js';
import { INDEX_TABLE } from './day-transform.js';

export async function enedisMetrics(context: MetricsContext<EnedisConfig>): Promise<DayMetrics> {
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
    },
    completeness: null,
  };
}
