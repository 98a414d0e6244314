/**
 * The Paris traffic day's metrics (`metrics/cityflow-traffic/dt={date}/metrics.json`), as SQL over
 * its `traffic` table: arcs, arcs with a flow, vehicles (Σ q), mean occupancy, arc-hours per traffic
 * state, the busiest arcs and the network's hourly profile (Σ q per hour start). Completeness: the
 * share of the day's hours (23, 24 or 25) that have a flow on at least one arc.
 */
import { sqlString } from '../../duckdb/columns.js';
import { PARTITION_TIMEZONE, parisDayBounds } from '../../workflow-safe/partition.js';
import type { DayMetrics } from '../contract.js';
import type { DayMetricsContext } from '../each-day.js';
import type { TrafficConfig } from './config.js';
import { TRAFFIC_TABLE } from './transform.js';

/** Arcs listed as the day's busiest. */
const BUSIEST = 5;

const round = (value: unknown, digits: number) =>
  value === null || value === undefined ? null : Math.round(Number(value) * 10 ** digits) / 10 ** digits;

export async function trafficMetrics(context: DayMetricsContext<TrafficConfig>): Promise<DayMetrics> {
  const table = context.tables[TRAFFIC_TABLE];
  if (table === undefined) throw new Error(`no ${TRAFFIC_TABLE} table for ${context.date}`);
  const source = `read_parquet(${sqlString(table)})`;
  const rows = async (sql: string) => (await context.db.runAndReadAll(sql)).getRowObjects();
  const [summary = {}] = await rows(
    `SELECT count(DISTINCT arc_id) AS arcs, count(DISTINCT arc_id) FILTER (WHERE q IS NOT NULL) AS arcs_with_flow,
            sum(q::DECIMAL(18, 3)) AS vehicles, avg(k::DECIMAL(18, 6)) AS occupancy,
            count(DISTINCT hour_start) FILTER (WHERE q IS NOT NULL) AS hours_with_flow
     FROM ${source}`,
  );
  const states = await rows(`SELECT state, count(*) AS n FROM ${source} GROUP BY state ORDER BY state`);
  const busiest = await rows(
    `SELECT arc_id, any_value(label) AS label, sum(q::DECIMAL(18, 3)) AS vehicles FROM ${source}
     WHERE q IS NOT NULL GROUP BY arc_id ORDER BY vehicles DESC, arc_id LIMIT ${BUSIEST}`,
  );
  const hourly = await rows(
    `SELECT epoch_ms(hour_start) AS at, sum(q::DECIMAL(18, 3)) AS vehicles FROM ${source}
     GROUP BY hour_start ORDER BY hour_start`,
  );
  const { start, end } = parisDayBounds(context.date);
  const hours = Math.round((end.getTime() - start.getTime()) / 3_600_000);
  const completeness = Math.round((Number(summary.hours_with_flow ?? 0) / hours) * 1e6) / 1e6;
  return {
    document: {
      dataset: 'cityflow-traffic',
      date: context.date,
      timezone: PARTITION_TIMEZONE,
      hours,
      arcs: Number(summary.arcs ?? 0),
      arcsWithFlow: Number(summary.arcs_with_flow ?? 0),
      vehicles: round(summary.vehicles, 3),
      meanOccupancyPct: round(summary.occupancy, 3),
      arcHoursByState: Object.fromEntries(states.map((s) => [String(s.state), Number(s.n)])),
      busiestArcs: busiest.map((b) => ({
        arcId: String(b.arc_id),
        label: String(b.label),
        vehicles: round(b.vehicles, 3),
      })),
      hourly: hourly.map((h) => ({ at: new Date(Number(h.at)).toISOString(), vehicles: round(h.vehicles, 3) })),
      completeness,
    },
    completeness,
  };
}
