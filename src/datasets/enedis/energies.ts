/**
 * Energy per PRM and period from the stored index readings (`courant energies`): over the Paris
 * days D1..D2 inclusive, for each PRM and distributor class, the index at the end of D2
 * (D2+1 00:00 Paris) minus the index at the start of D1 (D1 00:00 Paris), with a verdict:
 *
 * - `real`, or `estimated` when either end is an estimated index;
 * - `not computable`, with the reason: no reading at an end, a contract change in between (a C15
 *   event, or a calendar that differs at the two ends), or an index that went down.
 *
 * At an instant with readings of several flows, C15 wins (the contract's own reading), then R15,
 * then R151, then an R15 previous reading (`Valeur_Precedent`, restated by the next R15); at a C15
 * event the reading after it starts a period, the one before it ends one. Classes
 * roll up as HCH + HCB → HC, HPH + HPB → HP and all → BASE, each roll-up taking the worst verdict
 * of its parts. Everything is one DuckDB query over the days' Parquet files, reading only the
 * readings at the two ends and the C15 events between them (not every index of every day).
 *
 * Where a flow states its own energy for exactly the period asked (same PRM and distributor class,
 * the same start and end instants: an R15 `Classe_Mesure` 2 value), the row carries it as
 * `stated_energy_kwh` and `difference_kwh` (computed − stated); both are null otherwise. The stated
 * energies are read from the `stated_energies.parquet` stored beside each `index_readings.parquet`
 * of `files`, where there is one (a copy under another name has none: the columns stay null).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sqlString } from '../../duckdb/columns.js';
import { onePerKeySql } from '../../duckdb/one-per-key.js';
import { parisDayBounds, previousDate } from '../../workflow-safe/partition.js';
import type { PeriodEnergies } from '../capabilities/energies.js';
import { INDEX_TABLE, STATED_TABLE } from './day-transform.js';

/** The worst verdict first: a roll-up takes the first of its parts' verdicts in this order. */
const VERDICTS = ['not computable', 'estimated', 'real'] as const;

/** The `stated_energies.parquet` files stored beside the index tables among `files`. */
export function statedEnergyFiles(files: readonly string[]): string[] {
  return files
    .filter((file) => path.basename(file) === `${INDEX_TABLE}.parquet`)
    .map((file) => path.join(path.dirname(file), `${STATED_TABLE}.parquet`))
    .filter((file) => existsSync(file));
}

/** Energies stated for exactly `start`..`end`, per PRM and distributor class (none without files). */
function statedSql(files: readonly string[], start: string, end: string): string {
  if (files.length === 0)
    return 'SELECT NULL::VARCHAR AS prm, NULL::VARCHAR AS class, NULL::DOUBLE AS stated WHERE false';
  return `SELECT prm, class, max(energy_kwh) AS stated FROM read_parquet([${files.map(sqlString).join(', ')}])
    WHERE class_kind = 'distributor' AND period_start = ${start}::TIMESTAMPTZ AND period_end = ${end}::TIMESTAMPTZ
    GROUP BY prm, class`;
}

/**
 * Which of the readings at one instant stands for it (the highest): C15 first, its reading on
 * `side` of the event (`after` to start a period, `before` to end one), then one that states no
 * side, then the other side; then an R15 reading, an R151 one, and last an R15 previous reading
 * (`Valeur_Precedent`), which only restates an index another flow may have delivered.
 */
export function priority(side: 'before' | 'after', other: 'before' | 'after'): string {
  return `CASE
      WHEN flow = 'C15' AND qualification = '${side}' THEN 6
      WHEN flow = 'C15' AND qualification IS NULL THEN 5
      WHEN flow = 'C15' AND qualification = '${other}' THEN 4
      WHEN flow = 'R15' AND qualification IS NULL THEN 3
      WHEN flow = 'R151' THEN 2
      ELSE 1 END`;
}

/**
 * The reading chosen at the instant `at` (a SQL timestamp) of each PRM's class, the highest of
 * `rank` (SQL over a reading's columns): its index, calendar and nature.
 */
function chosenAt(at: string, rank: string): string {
  return onePerKeySql(
    `SELECT prm, class, index_kwh, calendar, nature, ${rank} AS rank FROM readings WHERE reading_at = ${at}::TIMESTAMPTZ`,
    ['prm', 'class'],
    'rank DESC',
  );
}

/** A chosen reading's index, calendar and nature as one value; NULL when the side `alias` has none. */
const endOf = (alias: string) =>
  `CASE WHEN ${alias}.prm IS NOT NULL THEN {'index': ${alias}.index_kwh, 'calendar': ${alias}.calendar, 'nature': ${alias}.nature} END`;

const ROLL_UPS = `(VALUES ('HCH', 'HC'), ('HCB', 'HC'), ('HPH', 'HP'), ('HPB', 'HP'))`;

export const enedisEnergies: PeriodEnergies<typeof INDEX_TABLE | typeof STATED_TABLE> = {
  table: INDEX_TABLE,
  alongside: [STATED_TABLE],
  firstDay: (from) => previousDate(from),
  columns: [
    'prm',
    'class',
    'start_at',
    'end_at',
    'start_index_kwh',
    'end_index_kwh',
    'energy_kwh',
    'verdict',
    'reason',
    'stated_energy_kwh',
    'difference_kwh',
  ],

  sql({ from, to, files, meters }) {
    const start = sqlString(parisDayBounds(from).start.toISOString());
    const end = sqlString(parisDayBounds(to).end.toISOString());
    const only = meters.length === 0 ? '' : `AND prm IN (${meters.map(sqlString).join(', ')})`;
    const worst = `CASE min(CASE verdict ${VERDICTS.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' ')} END) ${VERDICTS.map((v, i) => `WHEN ${i} THEN '${v}'`).join(' ')} END`;
    return `
WITH readings AS NOT MATERIALIZED (
  SELECT prm, class, reading_at, index_kwh, calendar, nature, flow, qualification, event
  FROM read_parquet([${files.map(sqlString).join(', ')}])
  WHERE class_kind = 'distributor' ${only}
    AND (reading_at IN (${start}::TIMESTAMPTZ, ${end}::TIMESTAMPTZ)
         OR (flow = 'C15' AND reading_at > ${start}::TIMESTAMPTZ AND reading_at < ${end}::TIMESTAMPTZ))),
starts AS (${chosenAt(start, priority('after', 'before'))}),
finals AS (${chosenAt(end, priority('before', 'after'))}),
ends AS (
  SELECT prm, class, ${endOf('s')} AS first, ${endOf('f')} AS last
  FROM starts s FULL JOIN finals f USING (prm, class)),
events AS (
  SELECT prm, min(reading_at) AS at, arg_min(event, reading_at) AS event FROM readings
  WHERE flow = 'C15' AND reading_at > ${start}::TIMESTAMPTZ AND reading_at < ${end}::TIMESTAMPTZ GROUP BY prm),
per_class AS (
  SELECT e.prm, e.class, first.index AS start_index_kwh, last.index AS end_index_kwh,
    last.index - first.index AS raw_energy,
    CASE
      WHEN first IS NULL THEN 'no reading at the start of the period'
      WHEN last IS NULL THEN 'no reading at the end of the period'
      WHEN v.prm IS NOT NULL THEN 'a contract change in between (C15 ' || coalesce(v.event, 'event') || ' at '
        || strftime(timezone('Europe/Paris', v.at), '%Y-%m-%d %H:%M') || ' Paris)'
      WHEN first.calendar IS DISTINCT FROM last.calendar THEN 'a contract change in between (calendar '
        || coalesce(first.calendar, '?') || ' then ' || coalesce(last.calendar, '?') || ')'
      WHEN last.index < first.index THEN 'the index went down'
    END AS reason,
    CASE WHEN reason IS NOT NULL THEN 'not computable'
         WHEN 'estimated' IN (first.nature, last.nature) THEN 'estimated' ELSE 'real' END AS verdict
  FROM ends e LEFT JOIN events v USING (prm)),
classes AS (
  SELECT prm, class, start_index_kwh, end_index_kwh,
         CASE WHEN reason IS NULL THEN raw_energy END AS energy_kwh, verdict, reason FROM per_class),
rolled AS (
  SELECT prm, r.column1 AS class, NULL::BIGINT AS start_index_kwh, NULL::BIGINT AS end_index_kwh,
         CASE WHEN bool_and(reason IS NULL) THEN sum(energy_kwh) END::BIGINT AS energy_kwh, ${worst} AS verdict,
         CASE WHEN bool_or(reason IS NOT NULL) THEN 'a class of the roll-up is not computable' END AS reason
  FROM classes c JOIN ${ROLL_UPS} r(column0, column1) ON c.class = r.column0 GROUP BY prm, r.column1
  UNION ALL
  SELECT prm, 'BASE', NULL, NULL, CASE WHEN bool_and(reason IS NULL) THEN sum(energy_kwh) END::BIGINT, ${worst},
         CASE WHEN bool_or(reason IS NOT NULL) THEN 'a class of the roll-up is not computable' END
  FROM classes GROUP BY prm HAVING count(*) > 1 OR any_value(class) <> 'BASE'),
stated AS (${statedSql(statedEnergyFiles(files), start, end)})
SELECT prm, class, ${start}::TIMESTAMPTZ AS start_at, ${end}::TIMESTAMPTZ AS end_at,
       start_index_kwh, end_index_kwh, energy_kwh, verdict, reason,
       s.stated AS stated_energy_kwh, energy_kwh - s.stated AS difference_kwh
FROM (SELECT *, 0 AS rolled FROM classes UNION ALL SELECT *, 1 FROM rolled) LEFT JOIN stated s USING (prm, class)
ORDER BY prm, rolled, class`;
  },
};
