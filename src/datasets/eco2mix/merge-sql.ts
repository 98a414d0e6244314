/** Combining the real-time and consolidated rows of Paris days into one series per day, in SQL. */
import { sqlString } from '../../duckdb/columns.js';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import { NATURE_RANK_SQL } from './nature.js';
import { READABLE_ROW } from './read-exports.js';
import { ECO2MIX_PARQUET_COLUMNS } from './record.js';

/** What the rows read are like: the grouping steps that change nothing are left out. */
export interface MergeShape {
  /** Number of files read for a day (the most any day has). */
  readonly files: number;
  /** Whether a file's readable rows repeat an instant. */
  readonly repeated: boolean;
}

/** A file read into the table and the Paris day it was fetched or taken for. */
export interface FileDay {
  readonly order: number;
  readonly date: string;
}

const COLUMNS = ECO2MIX_PARQUET_COLUMNS.map((c) => c.name).join(', ');

/** Each file's last readable row per instant: the earlier ones are superseded. */
function readableSql(table: string, shape: MergeShape): string {
  return shape.repeated
    ? `SELECT unnest(arg_max(t, line)) FROM ${table} t WHERE ${READABLE_ROW} GROUP BY file_order, instant`
    : `SELECT * FROM ${table} WHERE ${READABLE_ROW}`;
}

/**
 * The rows `inDay` of the newest nature that covers its whole day, and of the newer ones: when
 * consolidated (or definitive) rows carry consumption on every half-hour of the day (RTE's
 * consolidated grid), the older real-time rows are left out, so that a day is never a blend of
 * natures once a newer one is whole. A newer nature that covers only part of the day (or whose
 * values are all `ND`) leaves every row in: the day keeps its older, whole series there.
 * `key` is the column naming the day (null: one day); `halfHours` the SQL of its half-hours.
 */
function newestWholeNatureSql(inDay: string, key: string | null, halfHours: string): string {
  const by = key === null ? '' : `${key}, `;
  const group = key === null ? '' : `GROUP BY ${key}`;
  const join = key === null ? 'ON true' : `USING (${key})`;
  return `WITH d AS (SELECT *, ${NATURE_RANK_SQL} AS nature_rank FROM (${inDay})),
    covered AS (
      SELECT ${by}nature_rank, any_value(${halfHours}) AS need,
        count(DISTINCT instant) FILTER (WHERE consommation IS NOT NULL AND minute(instant) % 30 = 0) AS n
      FROM d GROUP BY ${by}nature_rank),
    whole AS (SELECT ${by}max(nature_rank) AS floor FROM covered WHERE n >= need ${group})
    SELECT d.* FROM d LEFT JOIN whole ${join} WHERE d.nature_rank >= coalesce(whole.floor, 0)`;
}

/**
 * One row per instant of the rows `inDay`: a row with consumption wins over one without, then the
 * newer nature (definitive, consolidated, real time), then the later file's.
 */
function oneRowPerInstantSql(inDay: string, shape: MergeShape, key: string | null, halfHours: string): string {
  const preference = `((consommation IS NOT NULL)::INTEGER * 3 + nature_rank) * 1000000 + file_order`;
  return shape.files > 1
    ? `SELECT unnest(arg_max(f, ${preference})) FROM (${newestWholeNatureSql(inDay, key, halfHours)}) f GROUP BY instant`
    : inDay;
}

/**
 * The day's series from the rows read into `table` (read-exports.ts): each file's last readable
 * row per instant (the earlier ones are superseded) inside `[D 00:00, D+1 00:00)` Europe/Paris,
 * one per instant, sorted by instant, with the columns of `eco2mix_national`. Once a newer nature
 * covers the whole day, older rows are left out (see {@link newestWholeNatureSql}). A row with
 * consumption wins over one without, then the newer nature — so a consolidated row
 * without consumption never replaces a real-time row with one: consolidated exports hold only the
 * two forecasts on :15 and :45, while real-time rows there carry real values. Between rows of equal
 * standing (two files of one source), the later file's wins.
 */
export function mergedEco2mixSql(table: string, date: string, shape: MergeShape): string {
  const { start, end, hours } = parisDayBounds(date);
  const inDay = `SELECT * FROM (${readableSql(table, shape)})
    WHERE instant >= '${start.toISOString()}'::TIMESTAMPTZ AND instant < '${end.toISOString()}'::TIMESTAMPTZ`;
  return `SELECT ${COLUMNS} FROM (${oneRowPerInstantSql(inDay, shape, null, String(hours * 2))}) ORDER BY instant`;
}

/**
 * {@link mergedEco2mixSql} for many days at once: each file's rows are kept inside its own day
 * only, and merged with the other files of that day; the rows come out with their day as `dt`,
 * sorted by day and instant.
 */
export function mergedEco2mixDaysSql(table: string, files: readonly FileDay[], shape: MergeShape): string {
  const bounds = files.map((f) => {
    const { start, end } = parisDayBounds(f.date);
    return `(${f.order}, ${sqlString(f.date)}, '${start.toISOString()}'::TIMESTAMPTZ, '${end.toISOString()}'::TIMESTAMPTZ)`;
  });
  const inDay = `SELECT r.*, b.dt, b.day_start, b.day_end FROM (${readableSql(table, shape)}) r
    JOIN (VALUES ${bounds.join(', ')}) b(file_order, dt, day_start, day_end) USING (file_order)
    WHERE r.instant >= b.day_start AND r.instant < b.day_end`;
  const halfHours = '(epoch(day_end) - epoch(day_start)) // 1800';
  return `SELECT dt, ${COLUMNS} FROM (${oneRowPerInstantSql(inDay, shape, 'dt', halfHours)}) ORDER BY dt, instant`;
}
