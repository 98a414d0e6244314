/**
 * Anomalies of a smart-meter day: each reading of the day scored against its meter's recent
 * history (`anomaly-sql.ts` says how), the ones above `ANOMALY_THRESHOLD` written to
 * `anomalies.parquet`. DuckDB reads the Parquet files itself; nothing is read row by row here.
 *
 * Every score depends on one meter's readings only, so the meters are scored in chunks of
 * consecutive ids, each of about `CHUNK_READINGS` readings (day and history): memory stays that of
 * one chunk whatever the number of meters, and the stored files, sorted by meter, are read only
 * where a chunk's meters are. The chunks change nothing in the scores.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { isPartitionDate, parisDayBounds } from '../../workflow-safe/partition.js';
import { ANOMALY_THRESHOLD, anomalyScoresSql } from './anomaly-sql.js';

export { ANOMALY_THRESHOLD } from './anomaly-sql.js';

/** Readings (the day's and its history's) scored in one query: the chunk bounds the query's DuckDB memory. */
export const CHUNK_READINGS = 250_000;

export interface ScoreAnomaliesInput {
  /** The Paris day scored, YYYY-MM-DD. */
  readonly day: string;
  /** Parquet of the day's readings (`meter_id`, `ts`, `kwh`; other columns, such as a label, are not read). */
  readonly readings: string;
  /** Parquet of earlier days' readings, in any order, possibly none; readings from the day on are ignored. */
  readonly history: readonly string[];
  /** The Parquet file to write. */
  readonly target: string;
  /** Readings per chunk of meters; `CHUNK_READINGS` unless given. */
  readonly chunkReadings?: number;
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

/** The day's readings and the history's readings before the day, of the meters `meters` selects. */
function seriesOf(input: ScoreAnomaliesInput, meters: string): string {
  const columns = 'SELECT meter_id, ts, kwh FROM read_parquet';
  const day = `${columns}(${sqlString(input.readings)}) WHERE ${meters}`;
  if (input.history.length === 0) return day;
  const start = sqlString(parisDayBounds(input.day).start.toISOString());
  return `${columns}([${input.history.map(sqlString).join(', ')}]) WHERE ts < ${start}::TIMESTAMPTZ AND ${meters} UNION ALL ${day}`;
}

/**
 * The chunks' meter predicates: the day's meters in id order cut into groups of about equal counts,
 * as many as the readings need to be about `CHUNK_READINGS` per chunk.
 */
async function meterChunks(db: DuckDBConnection, input: ScoreAnomaliesInput): Promise<string[]> {
  const files = [input.readings, ...input.history].map(sqlString).join(', ');
  const readings = await count(db, `SELECT count(*) FROM read_parquet([${files}])`);
  const chunks = Math.max(1, Math.ceil(readings / (input.chunkReadings ?? CHUNK_READINGS)));
  if (chunks === 1) return ['true'];
  const firsts = (
    await db.runAndReadAll(
      `SELECT min(meter_id) AS first FROM (
         SELECT meter_id, ntile(${chunks}) OVER (ORDER BY meter_id) AS chunk
         FROM (SELECT DISTINCT meter_id FROM read_parquet(${sqlString(input.readings)})))
       GROUP BY chunk ORDER BY first`,
    )
  )
    .getRows()
    .map(([first]) => sqlString(String(first)));
  return firsts.map((first, i) => {
    const next = firsts[i + 1];
    return next === undefined ? `meter_id >= ${first}` : `meter_id >= ${first} AND meter_id < ${next}`;
  });
}

/**
 * Scores every reading of `day` and writes `target` with `meter_id, ts, kwh, score, reason`, one row
 * per reading whose score is above `ANOMALY_THRESHOLD`, ordered by meter and instant (the same
 * files give the same bytes). A meter with fewer than `MIN_HISTORY_READINGS` readings in its history is
 * judged against its day alone. The day's readings are those of `readings` in the Paris day; the
 * history's meters not in it are not read.
 * Idempotent; uses the connection's temporary table `sm_anomaly_scores`; a DuckDB error (a missing
 * file, a wrong column) is thrown as it is.
 */
export async function scoreAnomalies(db: DuckDBConnection, input: ScoreAnomaliesInput): Promise<ScoreAnomaliesOutput> {
  if (!isPartitionDate(input.day)) throw new RangeError(`"${input.day}" is not a date written YYYY-MM-DD`);
  const { start, end } = parisDayBounds(input.day);
  try {
    await db.run(
      'CREATE OR REPLACE TEMP TABLE sm_anomaly_scores (meter_id VARCHAR, ts TIMESTAMPTZ, kwh DOUBLE, score DOUBLE, reason VARCHAR)',
    );
    for (const meters of await meterChunks(db, input)) {
      const sql = anomalyScoresSql(seriesOf(input, meters), { day: input.day });
      await db.run(`INSERT INTO sm_anomaly_scores SELECT * FROM (${sql}) WHERE score > ${ANOMALY_THRESHOLD}`);
    }
    const scored = await count(
      db,
      `SELECT count(*) FROM read_parquet(${sqlString(input.readings)})
       WHERE ts >= ${sqlString(start.toISOString())}::TIMESTAMPTZ AND ts < ${sqlString(end.toISOString())}::TIMESTAMPTZ`,
    );
    const anomalies = await count(
      db,
      copyToParquetSql(
        'SELECT meter_id, ts, kwh, score, reason FROM sm_anomaly_scores ORDER BY meter_id, ts',
        input.target,
      ),
    );
    return { scored, anomalies };
  } finally {
    await db.run('DROP TABLE IF EXISTS sm_anomaly_scores');
  }
}
