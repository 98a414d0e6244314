/** Combining the real-time and consolidated rows of one Paris day into one series, in SQL. */
import { parisDayBounds } from '../../shared/partition.js';
import { READABLE_ROW } from './read-exports.js';
import { ECO2MIX_PARQUET_COLUMNS } from './record.js';

/** What the rows read are like: the grouping steps that change nothing are left out. */
export interface MergeShape {
  /** Number of files read. */
  readonly files: number;
  /** Whether a file's readable rows repeat an instant. */
  readonly repeated: boolean;
}

/**
 * The day's series from the rows read into `table` (read-exports.ts): each file's last readable
 * row per instant (the earlier ones are superseded) inside `[D 00:00, D+1 00:00)` Europe/Paris,
 * one per instant, sorted by instant, with the columns of `eco2mix_national`. A row with
 * consumption wins over one without, then consolidated over real time — so a consolidated row
 * without consumption never replaces a real-time row with one: consolidated exports hold only the
 * two forecasts on :15 and :45, while real-time rows there carry real values. Between rows of equal
 * standing (two files of one source), the later file's wins.
 */
export function mergedEco2mixSql(table: string, date: string, shape: MergeShape): string {
  const { start, end } = parisDayBounds(date);
  const columns = ECO2MIX_PARQUET_COLUMNS.map((c) => c.name).join(', ');
  const readable = shape.repeated
    ? `SELECT unnest(arg_max(t, line)) FROM ${table} t WHERE ${READABLE_ROW} GROUP BY file_order, instant`
    : `SELECT * FROM ${table} WHERE ${READABLE_ROW}`;
  const inDay = `SELECT * FROM (${readable})
    WHERE instant >= '${start.toISOString()}'::TIMESTAMPTZ AND instant < '${end.toISOString()}'::TIMESTAMPTZ`;
  const preference = `((consommation IS NOT NULL)::INTEGER * 2 + (source = 'consolidated')::INTEGER) * 1000000 + file_order`;
  const merged =
    shape.files > 1 ? `SELECT unnest(arg_max(f, ${preference})) FROM (${inDay}) f GROUP BY instant` : inDay;
  return `SELECT ${columns} FROM (${merged}) ORDER BY instant`;
}
