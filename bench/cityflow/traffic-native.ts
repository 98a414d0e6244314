/**
 * The DuckDB-native reference for the traffic bench: the day's export to `traffic.parquet` and the
 * day's figures as one plain SQL script, written directly — `read_csv` with the columns typed, the
 * hours ending in (D 00:00, D+1 00:00] kept at their start, an (arc, hour) once, rows breaking a
 * rule dropped (not listed with their line), then the module's aggregates (arcs, arcs with a flow,
 * Σ q, mean k, hours with a flow, arc-hours by state, the 5 busiest arcs, Σ q per hour).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../src/duckdb/columns.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';

export interface NativeFigures {
  readonly written: number;
  readonly arcs: number;
  readonly arcsWithFlow: number;
  readonly vehicles: number;
  readonly hoursWithFlow: number;
  readonly states: Record<string, number>;
  readonly busiest: readonly string[];
  readonly hourly: number;
}

export async function nativeTrafficDay(
  db: DuckDBConnection,
  file: string,
  date: string,
  parquet: string,
): Promise<NativeFigures> {
  const { start, end } = parisDayBounds(date);
  const rows = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjects();
  await db.run(`CREATE OR REPLACE TEMP TABLE native_day AS
    SELECT iu_ac::VARCHAR AS arc_id, libelle AS label, t_1h - INTERVAL 1 HOUR AS hour_start, q, k,
           coalesce(etat_trafic, 'Inconnu') AS state
    FROM read_csv(${sqlString(file)}, delim = ';', header = true,
      columns = {'iu_ac': 'BIGINT', 'libelle': 'VARCHAR', 't_1h': 'TIMESTAMPTZ', 'q': 'DOUBLE', 'k': 'DOUBLE', 'etat_trafic': 'VARCHAR'})
    WHERE t_1h > ${sqlString(start.toISOString())}::TIMESTAMPTZ AND t_1h <= ${sqlString(end.toISOString())}::TIMESTAMPTZ
      AND coalesce(q >= 0, true) AND coalesce(k BETWEEN 0 AND 100, true)
    QUALIFY row_number() OVER (PARTITION BY iu_ac, t_1h) = 1`);
  try {
    await db.run(
      `COPY (SELECT * FROM native_day ORDER BY arc_id::BIGINT, hour_start) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const [summary = {}] = await rows(`SELECT count(*) AS written, count(DISTINCT arc_id) AS arcs,
        count(DISTINCT arc_id) FILTER (WHERE q IS NOT NULL) AS arcs_with_flow, sum(q) AS vehicles, avg(k) AS occupancy,
        count(DISTINCT hour_start) FILTER (WHERE q IS NOT NULL) AS hours_with_flow FROM native_day`);
    const states = await rows(`SELECT state, count(*) AS n FROM native_day GROUP BY state`);
    const busiest = await rows(`SELECT arc_id, any_value(label) AS label, sum(q) AS vehicles FROM native_day
        WHERE q IS NOT NULL GROUP BY arc_id ORDER BY vehicles DESC, arc_id LIMIT 5`);
    const hourly = await rows(
      `SELECT hour_start, sum(q) AS vehicles FROM native_day GROUP BY hour_start ORDER BY hour_start`,
    );
    return {
      written: Number(summary.written),
      arcs: Number(summary.arcs),
      arcsWithFlow: Number(summary.arcs_with_flow),
      vehicles: Number(summary.vehicles),
      hoursWithFlow: Number(summary.hours_with_flow),
      states: Object.fromEntries(states.map((s) => [String(s.state), Number(s.n)])),
      busiest: busiest.map((b) => String(b.arc_id)),
      hourly: hourly.length,
    };
  } finally {
    await db.run('DROP TABLE IF EXISTS native_day');
  }
}
