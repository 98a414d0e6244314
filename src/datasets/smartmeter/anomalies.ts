/**
 * Anomalies of a smart-meter day: each reading of the day scored against its meter's recent
 * history (`anomaly-sql.ts` says how), the ones above `ANOMALY_THRESHOLD` written to
 * `anomalies.parquet`. DuckDB reads the Parquet files itself; nothing is read row by row here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../parquet/columns.js';
import { copyToParquetSql } from '../../parquet/copy.js';
import { parisDayBounds } from '../../shared/partition.js';
import { ANOMALY_THRESHOLD, anomalyScoresSql } from './anomaly-sql.js';

export { ANOMALY_THRESHOLD, anomalyScoresSql } from './anomaly-sql.js';

export interface ScoreAnomaliesInput {
  /** The Paris day scored, YYYY-MM-DD. */
  readonly day: string;
  /** Parquet of the day's readings (`meter_id`, `ts`, `kwh`; other columns, such as a label, are not read). */
  readonly readings: string;
  /** Parquet of earlier days' readings, in any order, possibly none; readings from the day on are ignored. */
  readonly history: readonly string[];
  /** The Parquet file to write. */
  readonly target: string;
}

export interface ScoreAnomaliesOutput {
  /** Readings of the day given a score (all of them). */
  readonly scored: number;
  /** Rows written: readings scored above the threshold. */
  readonly anomalies: number;
}

async function count(db: DuckDBConnection, sql: string): Promise<number> {
  return Number((await db.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/** The day's readings and the history's readings before the day, as one relation. */
function seriesOf(input: ScoreAnomaliesInput): string {
  const columns = 'SELECT meter_id, ts, kwh FROM read_parquet';
  const day = `${columns}(${sqlString(input.readings)})`;
  if (input.history.length === 0) return day;
  const start = sqlString(parisDayBounds(input.day).start.toISOString());
  return `${columns}([${input.history.map(sqlString).join(', ')}]) WHERE ts < ${start}::TIMESTAMPTZ UNION ALL ${day}`;
}

/**
 * Scores every reading of `day` and writes `target` with `meter_id, ts, kwh, score, reason`, one row
 * per reading whose score is above `ANOMALY_THRESHOLD`, ordered by meter and instant (the same
 * files give the same bytes). A meter with fewer than `MIN_HISTORY_READINGS` readings in its history is
 * judged against its day alone.
 * Idempotent; uses the connection's temporary table `sm_anomaly_scores`; a DuckDB error (a missing
 * file, a wrong column) is thrown as it is.
 */
export async function scoreAnomalies(db: DuckDBConnection, input: ScoreAnomaliesInput): Promise<ScoreAnomaliesOutput> {
  const sql = anomalyScoresSql(seriesOf(input), { day: input.day });
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE sm_anomaly_scores AS ${sql}`);
    const scored = await count(db, 'SELECT count(*) FROM sm_anomaly_scores');
    const anomalies = await count(
      db,
      copyToParquetSql(
        `SELECT meter_id, ts, kwh, score, reason FROM sm_anomaly_scores WHERE score > ${ANOMALY_THRESHOLD} ORDER BY meter_id, ts`,
        input.target,
      ),
    );
    return { scored, anomalies };
  } finally {
    await db.run('DROP TABLE IF EXISTS sm_anomaly_scores');
  }
}
