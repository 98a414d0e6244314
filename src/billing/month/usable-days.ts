/**
 * Stage 2b, days not usable: billing reads only the Enedis days whose run succeeded (a blocking
 * check accepted by an operator included); the others — failed, refused by a check, still running,
 * or stored with no record of their run — are named on the rows whose figures they would have
 * given, and those figures are not computed, never computed from refused data nor guessed:
 *
 * - a PRM with an event in such a day up to the month's end: its contracts' fixed part, CTA, energy
 *   and variable part (their periods may lack that event);
 * - a PRM with a reading in such a day of the month (or the day before), or a contract-month with
 *   an energy bound in one (an instant that day's readings close): its energy and variable part.
 *
 * The days' tables are read for the PRMs they hold only.
 */
import { sqlString } from '../../duckdb/columns.js';
import { problem } from './problems.js';
import { sortedList, type MonthScope, type Relation } from './relations.js';

/** A day billing may not read, why, and its stored tables if any (read for their PRMs only). */
export interface UnusableDay {
  readonly date: string;
  readonly why: string;
  readonly eventFile?: string;
  readonly readingFile?: string;
}

const NONE = `SELECT NULL::VARCHAR AS prm, NULL::DATE AS day, NULL::VARCHAR AS held WHERE false`;

export function usableDayRelations(scope: MonthScope, unusable: readonly UnusableDay[]): Relation[] {
  const days =
    unusable.length === 0
      ? `SELECT NULL::DATE AS day, NULL::VARCHAR AS why WHERE false`
      : `SELECT * FROM (VALUES ${unusable.map((d) => `(DATE '${d.date}', ${sqlString(d.why)})`).join(', ')}) t(day, why)`;
  const held = (file: string, date: string, what: 'events' | 'readings') =>
    `SELECT DISTINCT prm, DATE '${date}' AS day, '${what}' AS held FROM read_parquet(${sqlString(file)}) WHERE true ${scope.only('prm')}`;
  const prms = unusable.flatMap((d) => [
    ...(d.eventFile === undefined ? [] : [held(d.eventFile, d.date, 'events')]),
    ...(d.readingFile === undefined ? [] : [held(d.readingFile, d.date, 'readings')]),
  ]);
  return [
    { name: 'unusable_days', sql: days },
    { name: 'unusable_prms', sql: prms.length === 0 ? NONE : prms.join(' UNION ALL ') },
    {
      name: 'unusable_hits',
      sql: `SELECT m.prm, m.contract, u.day, true AS periods
          FROM contract_months m JOIN unusable_prms u ON u.prm = m.prm AND u.held = 'events' AND u.day < ${scope.end}
        UNION ALL SELECT m.prm, m.contract, u.day, false
          FROM contract_months m JOIN unusable_prms u ON u.prm = m.prm AND u.held = 'readings'
        UNION ALL SELECT b.prm, b.contract, d.day, false
          FROM energy_bounds b JOIN unusable_days d
            ON d.day IN ((timezone(${scope.zone}, b.start_at) - INTERVAL 1 MICROSECOND)::DATE,
                         (timezone(${scope.zone}, b.end_at) - INTERVAL 1 MICROSECOND)::DATE)`,
    },
    {
      name: 'unusable_effects',
      sql: `SELECT h.prm, h.contract, bool_or(h.periods) AS no_fixed, true AS no_energy,
          ${sortedList(
            problem('day_not_usable', {
              day: 'day',
              why: 'why',
              what: `CASE WHEN periods THEN 'its fixed part, CTA, energy and variable part' ELSE 'its energy and variable part' END`,
            }),
            ['day'],
          )} AS problems
        FROM (SELECT prm, contract, day, bool_or(periods) AS periods FROM unusable_hits GROUP BY prm, contract, day) h
        JOIN unusable_days USING (day)
        GROUP BY h.prm, h.contract`,
    },
  ];
}
