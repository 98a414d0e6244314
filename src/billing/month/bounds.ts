/**
 * Stage 2, bounds: the readings that bound each contract-month's energy, and the segments between.
 *
 * - `energy_bounds`: each contract-month's first day's 00:00 and its last supplied day's end, or the
 *   instant of its entry, or of its exit, when the C15 has readings at that instant (an entry at 14:00
 *   with its index bills the energy from 14:00);
 * - `readings`: the distributor readings the month can use: the C15's, and the others at a bound;
 * - `segments`: per contract-month, from bound to bound through every C15 reading between;
 * - `segment_starts`, `segment_ends`: the reading of each class at a segment's start and end, the one
 *   of an instant chosen as `courant energies` does (C15 first: the reading after an event at a
 *   start, before it at an end; then the calendar, then the higher index).
 */
import { sqlString } from '../../duckdb/columns.js';
import { priority } from '../../datasets/enedis/energies.js';
import type { MonthScope, Relation } from './relations.js';

const READING_COLUMNS = 'prm, flow, reading_at, class, index_kwh, nature, qualification, calendar';

/**
 * The distributor readings of `files`. A reading's instant closes one Paris day, so all readings of
 * an instant are in that day's file: between two of one flow and side, the calendar then the index
 * decide (the file could not).
 */
const readingsSql = (files: readonly string[]) =>
  files.length === 0
    ? `SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS flow, NULL::TIMESTAMPTZ AS reading_at, NULL::VARCHAR AS class,
        NULL::BIGINT AS index_kwh, NULL::VARCHAR AS nature, NULL::VARCHAR AS qualification, NULL::VARCHAR AS calendar WHERE false`
    : `SELECT ${READING_COLUMNS} FROM read_parquet([${files.map(sqlString).join(', ')}]) WHERE class_kind = 'distributor'`;

/**
 * The rows of `readingFiles` the month's query can use, in the columns it reads, in PRM order: the
 * distributor readings of the C15, and the others at 00:00 Paris on the month's first day, on the
 * day after its last, or on a day one of the PRM's events is dated in the month. A contract-month's
 * bounds are among these instants: each is the month's start or end, or the day of one of its events
 * (its entry, its exit, its first event, a change). A month billed in slices reads these once (most
 * of the month's R151 readings, one a day and class, dropped in one scan) rather than every reading
 * once a slice.
 */
export function usableReadingsSql(
  scope: MonthScope,
  eventFiles: readonly string[],
  readingFiles: readonly string[],
): string {
  const eventDays =
    eventFiles.length === 0
      ? 'SELECT NULL::VARCHAR AS prm, NULL::TIMESTAMPTZ AS instant WHERE false'
      : `SELECT DISTINCT prm, ${scope.midnight('event_date')} AS instant
         FROM read_parquet([${eventFiles.map(sqlString).join(', ')}], union_by_name = true)
         WHERE event_date >= ${scope.start} AND event_date <= ${scope.end}`;
  return `SELECT ${READING_COLUMNS}, class_kind FROM read_parquet([${readingFiles.map(sqlString).join(', ')}])
    WHERE class_kind = 'distributor'
      AND (flow = 'C15' OR reading_at IN (${scope.midnight(scope.start)}, ${scope.midnight(scope.end)}) OR (prm, reading_at) IN (${eventDays}))
    ORDER BY prm`;
}

export function boundRelations(scope: MonthScope, readingFiles: readonly string[]): Relation[] {
  return [
    {
      name: 'file_readings',
      materialized: true,
      sql: `SELECT * FROM (${readingsSql(readingFiles)}) WHERE true ${scope.only('prm')}`,
    },
    {
      name: 'c15_instants',
      sql: `SELECT DISTINCT prm, reading_at AS instant FROM file_readings WHERE flow = 'C15'`,
    },
    {
      name: 'energy_bounds',
      sql: `SELECT p.prm, p.contract,
          CASE WHEN c.entry_date = min(p.from_date) AND ei.prm IS NOT NULL THEN c.entry_at
            ELSE ${scope.midnight('min(p.from_date)')} END AS start_at,
          CASE WHEN c.exit_date = max(p.to_date) AND xi.prm IS NOT NULL THEN c.exit_at
            ELSE ${scope.midnight('max(p.to_date)')} END AS end_at
        FROM sub_periods p JOIN contracts c USING (prm, contract)
        LEFT JOIN c15_instants ei ON ei.prm = c.prm AND ei.instant = c.entry_at
        LEFT JOIN c15_instants xi ON xi.prm = c.prm AND xi.instant = c.exit_at
        GROUP BY p.prm, p.contract, c.entry_date, c.entry_at, c.exit_date, c.exit_at, ei.prm, xi.prm`,
    },
    {
      name: 'bound_instants',
      sql: `SELECT prm, start_at AS instant FROM energy_bounds UNION SELECT prm, end_at FROM energy_bounds`,
    },
    {
      name: 'readings',
      sql: `SELECT r.* FROM file_readings r LEFT JOIN bound_instants k ON k.prm = r.prm AND k.instant = r.reading_at
        WHERE r.flow = 'C15' OR k.prm IS NOT NULL`,
    },
    {
      name: 'segment_instants',
      sql: `SELECT prm, contract, start_at AS instant FROM energy_bounds
        UNION SELECT prm, contract, end_at FROM energy_bounds
        UNION SELECT b.prm, b.contract, r.reading_at FROM energy_bounds b
          JOIN readings r ON r.prm = b.prm AND r.flow = 'C15' AND r.reading_at > b.start_at AND r.reading_at < b.end_at`,
    },
    {
      name: 'segments',
      sql: `SELECT prm, contract, instant AS seg_start, lead(instant) OVER (PARTITION BY prm, contract ORDER BY instant) AS seg_end
        FROM segment_instants QUALIFY seg_end IS NOT NULL`,
    },
    {
      name: 'segment_starts',
      sql: `SELECT s.prm, s.contract, s.seg_start, r.class, r.index_kwh, r.nature
        FROM segments s JOIN readings r ON r.prm = s.prm AND r.reading_at = s.seg_start
        QUALIFY row_number() OVER (PARTITION BY s.prm, s.contract, s.seg_start, r.class
          ORDER BY ${priority('after', 'before')} DESC, r.calendar DESC, r.index_kwh DESC) = 1`,
    },
    {
      name: 'segment_ends',
      sql: `SELECT s.prm, s.contract, s.seg_start, r.class, r.index_kwh, r.nature
        FROM segments s JOIN readings r ON r.prm = s.prm AND r.reading_at = s.seg_end
        QUALIFY row_number() OVER (PARTITION BY s.prm, s.contract, s.seg_start, r.class
          ORDER BY ${priority('before', 'after')} DESC, r.calendar DESC, r.index_kwh DESC) = 1`,
    },
  ];
}
