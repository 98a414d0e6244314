/**
 * Data-quality checks of an Enedis day, comparing each of the day's indexes with the same PRM's
 * index of the same class and calendar just before it, among the day's and the day before's
 * readings (a calendar change is a contract change: nothing to compare). At one instant a C15
 * event's reading before it comes first, then the readings of other flows, then the event's reading
 * after it; readings of one rank are taken in rising order (two flows restating one instant are not
 * a fall). A step onto a C15 reading after its event, or onto another flow's reading at the instant
 * of a C15 event, crosses the event: a meter reset or replaced there starts again, and is not
 * compared.
 * - an index that goes down blocks the day (a meter's index only rises between events: a reset or a
 *   replaced meter comes with a C15 event);
 * - an index rising by more than `ENEDIS_JUMP_KWH` (1 000 kWh by default) in a day warns: a home
 *   uses tens of kWh a day, and a corrupt reading (522 → 29 982 kWh in a day) was seen in real flows.
 * On a dataset's first day there is nothing to compare: both pass.
 *
 * `stated_energy` (warn) compares each R15 energy stated for a period the day closes with the
 * difference of the R15 indexes at both ends of that period (same PRM, class kind, calendar and
 * class), when both are among the day's index readings or the day before's — a daily period, or one
 * whose readings are delivered in the same file. A difference of 1 kWh or more fails (a floor per
 * Wh index keeps an honest difference under 1 kWh; kWh flows differ by whole kWh). Longer periods
 * are compared by `courant energies` (`difference_kwh`), not here.
 */
import type { QualityCheck, QualityContext } from '../capabilities/quality-checks.js';
import type { EnedisConfig } from './config.js';
import { INDEX_TABLE, STATED_TABLE } from './day-transform.js';

type Check = QualityCheck<EnedisConfig>;
type Context = QualityContext<EnedisConfig>;

const READING_COLUMNS = 'prm, class_kind, calendar, class, reading_at, flow, qualification, index_kwh, file, line';

/** Where a reading stands among the readings of its instant: a C15 event's before, the others, its after. */
const RANK = `CASE qualification WHEN 'before' THEN 0 WHEN 'after' THEN 2 ELSE 1 END`;

/** A series of indexes: a PRM's class of a kind and calendar. */
const SERIES = ['prm', 'class_kind', 'calendar', 'class'];
const sameSeries = (a: string, b: string) =>
  SERIES.map((k) => `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}`).join(' AND ');

/**
 * Each of today's indexes against the index just before it of the same series, today's or the day
 * before's, leaving out the steps that cross a C15 event; only the steps that `notable` holds for
 * (a predicate over a rise in kWh).
 *
 * One aggregate counts each series' indexes of both days: a series with one index today and one
 * the day before (an R151 day: nearly every series) steps from the one to the other, and the
 * aggregate keeps it only when that step is notable; only the series with more go through the
 * window that puts them in order, the slowest part at a supplier's size. The days' tables are read
 * by each part rather than held: holding a day of millions of indexes costs more than reading its
 * Parquet again (bench/RESULTS.md, "A day of a million PRMs").
 */
const steps = (c: Context, before: string, notable: (rise: string) => string) => `(
  WITH readings AS NOT MATERIALIZED (
    SELECT ${READING_COLUMNS}, true AS today FROM ${c.table(INDEX_TABLE)}
    UNION ALL SELECT ${READING_COLUMNS}, false FROM ${before}),
  events AS (SELECT DISTINCT prm, reading_at FROM readings WHERE flow = 'C15'),
  series AS (
    SELECT ${SERIES.join(', ')}, count(*) FILTER (WHERE today) AS today_count,
           count(*) FILTER (WHERE NOT today) AS before_count, min(index_kwh) FILTER (WHERE NOT today) AS before_index
    FROM readings GROUP BY ALL
    HAVING today_count > 1 OR before_count > 1
      OR (today_count = 1 AND before_count = 1
          AND ${notable('(min(index_kwh) FILTER (WHERE today) - min(index_kwh) FILTER (WHERE NOT today))::INTEGER')})),
  sequenced AS (
    SELECT t.*, m.before_index AS index_before
    FROM (SELECT * FROM readings WHERE today) t JOIN series m ON ${sameSeries('t', 'm')}
    WHERE m.today_count = 1 AND m.before_count = 1
    UNION ALL
    SELECT r.*, lag(index_kwh) OVER (PARTITION BY ${SERIES.join(', ')} ORDER BY reading_at, ${RANK}, index_kwh) AS index_before
    FROM readings r SEMI JOIN series m ON ${sameSeries('r', 'm')} AND (m.today_count > 1 OR m.before_count > 1))
  SELECT s.prm, class_kind, calendar, class, index_before::INTEGER AS index_before, index_kwh::INTEGER AS index_kwh,
         (index_kwh - index_before)::INTEGER AS rise_kwh, file, line
  FROM sequenced s LEFT JOIN events e ON e.prm = s.prm AND e.reading_at = s.reading_at
  WHERE today AND index_before IS NOT NULL
    AND NOT (flow = 'C15' AND qualification IS NOT DISTINCT FROM 'after')
    AND NOT (flow <> 'C15' AND e.prm IS NOT NULL))`;

/** A step whose index went down; one that rose past `ENEDIS_JUMP_KWH` (SQL over its rise). */
const wentDown = (rise: string) => `${rise} < 0`;
const jumped = (c: Context, rise: string) => `${rise} > ${c.config.jumpKWh}`;

/**
 * The steps either step check may name (an index down, or up by more than the jump): the steps
 * are computed once for both checks (`QualityContext.shared`), and only these are held.
 */
const notableSteps = (c: Context, before: string) => {
  const notable = (rise: string) => `(${wentDown(rise)} OR ${jumped(c, rise)})`;
  return c.shared('enedis_notable_steps', `SELECT * FROM ${steps(c, before, notable)} WHERE ${notable('rise_kwh')}`);
};

/** A check over the steps of the day, passing when there is no day before to compare with. */
function stepCheck(
  check: Omit<Check, 'observe' | 'offending' | 'table' | 'previousDay'>,
  where: (c: Context) => string,
): Check {
  return {
    ...check,
    table: INDEX_TABLE,
    previousDay: INDEX_TABLE,
    observe: (c) => {
      const before = c.previous(INDEX_TABLE);
      return before === null
        ? 'SELECT NULL AS observed, 0 AS involved'
        : `SELECT count(*) FILTER (WHERE ${where(c)}) AS observed, observed AS involved FROM ${notableSteps(c, before)}`;
    },
    offending: (c) => {
      const before = c.previous(INDEX_TABLE);
      return before === null
        ? 'SELECT NULL AS prm WHERE false'
        : `SELECT * FROM ${notableSteps(c, before)} WHERE ${where(c)} ORDER BY abs(rise_kwh) DESC, prm, class`;
    },
  };
}

const decreasing = stepCheck(
  {
    name: 'index_decreasing',
    description:
      "no index is below the same PRM's index just before it (same class and calendar), unless a C15 event resets or replaces the meter in between",
    severity: 'block',
    limit: { max: 0, unit: 'indexes that went down' },
  },
  () => wentDown('rise_kwh'),
);

const jump = stepCheck(
  {
    name: 'index_jump',
    description: 'no index rises by more than ENEDIS_JUMP_KWH in a day',
    severity: 'warn',
    limit: { max: 0, unit: 'indexes that jumped' },
  },
  (c) => jumped(c, 'rise_kwh'),
);

/** The day's R15 stated energies whose both ends have R15 indexes today or the day before. */
const statedAgainstIndexes = (c: Context) => {
  const before = c.previous(INDEX_TABLE);
  const indexes = `(SELECT prm, class_kind, calendar, class, reading_at, index_kwh FROM ${c.table(INDEX_TABLE)} WHERE flow = 'R15'
    ${before === null ? '' : `UNION ALL SELECT prm, class_kind, calendar, class, reading_at, index_kwh FROM ${before} WHERE flow = 'R15'`})`;
  return `(
  SELECT s.prm, s.class_kind, s.calendar, s.class, s.period_start, s.period_end, s.energy_kwh AS stated_energy_kwh,
         (e.index_kwh - b.index_kwh)::INTEGER AS computed_energy_kwh, computed_energy_kwh - s.energy_kwh AS difference_kwh,
         s.file, s.line
  FROM ${c.table(STATED_TABLE)} s
  JOIN ${indexes} b ON b.prm = s.prm AND b.class_kind = s.class_kind AND b.calendar IS NOT DISTINCT FROM s.calendar
    AND b.class = s.class AND b.reading_at = s.period_start
  JOIN ${indexes} e ON e.prm = s.prm AND e.class_kind = s.class_kind AND e.calendar IS NOT DISTINCT FROM s.calendar
    AND e.class = s.class AND e.reading_at = s.period_end
  WHERE s.flow = 'R15')`;
};

const MISMATCH = 'abs(difference_kwh) >= 1';

const statedEnergy: Check = {
  name: 'stated_energy',
  description: 'every R15 energy stated for a period equals the difference of its R15 indexes at both ends',
  severity: 'warn',
  limit: { max: 0, unit: 'stated energies that differ from their indexes' },
  table: STATED_TABLE,
  previousDay: INDEX_TABLE,
  observe: (c) =>
    `SELECT CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE ${MISMATCH}) END AS observed,
            count(*) FILTER (WHERE ${MISMATCH}) AS involved
     FROM ${statedAgainstIndexes(c)}`,
  offending: (c) =>
    `SELECT * FROM ${statedAgainstIndexes(c)} WHERE ${MISMATCH} ORDER BY abs(difference_kwh) DESC, prm, class`,
};

export const enedisChecks: readonly Check[] = [decreasing, jump, statedEnergy];
