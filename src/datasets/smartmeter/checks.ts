/**
 * Data-quality checks of a smart-meter day, over `readings` (one row per meter and instant, the
 * last delivery winning) and `meter_daily` (one row per meter). A negative kWh or one above the
 * bound of rows-sql.ts is already a reject of the transform, named with its file and line; here:
 * - more than 1 % of the day's rows rejected warns;
 * - a meter at zero for the whole day warns;
 * - a meter has at least 90 % of the readings its step gives the Paris day (46, 48 or 50 at 30
 *   minutes): more gaps than that warn;
 * - a reading delivered twice for the same meter and instant warns (the later one is kept);
 * - time never goes backwards within a file for a meter: a file whose rows run back warns;
 * - a meter that reported the day before and is silent today warns (nothing to compare with on a
 *   dataset's first day: passes).
 */
import type { QualityCheck, QualityContext } from '../capabilities/quality-checks.js';
import type { SmartMeterConfig } from './config.js';
import { METER_DAILY_TABLE, READINGS_TABLE } from './day-transform.js';

type Check = QualityCheck<SmartMeterConfig>;
type Context = QualityContext<SmartMeterConfig>;

const MIN_METER_COMPLETENESS = 0.9;

const MAX_REJECTED_SHARE = 0.01;
const rejectedRows: Check = {
  name: 'rejected_rows',
  description: 'at most 1 % of the rows read for the day are rejected (rejects.jsonl names each with its line)',
  severity: 'warn',
  limit: { max: MAX_REJECTED_SHARE, unit: 'of the rows read' },
  table: READINGS_TABLE,
  observe: (c) =>
    `SELECT ${c.rows.read === 0 ? 'NULL' : `round(${c.rows.rejected} / ${c.rows.read}, 6)`} AS observed, ${c.rows.rejected} AS involved`,
};

const zeroDay: Check = {
  name: 'zero_day',
  description: 'no meter reads zero for the whole day (a dead meter or a vacant site)',
  severity: 'warn',
  limit: { max: 0, unit: 'meters at zero all day' },
  table: METER_DAILY_TABLE,
  observe: (c) =>
    `SELECT count(*) FILTER (WHERE energy_kwh = 0) AS observed, observed AS involved FROM ${c.table(METER_DAILY_TABLE)}`,
  offending: (c) =>
    `SELECT meter_id, readings, energy_kwh FROM ${c.table(METER_DAILY_TABLE)} WHERE energy_kwh = 0 ORDER BY meter_id`,
};

const meterCompleteness: Check = {
  name: 'meter_gaps',
  description: `every meter has at least ${MIN_METER_COMPLETENESS * 100} % of the readings its step gives the day`,
  severity: 'warn',
  limit: { min: MIN_METER_COMPLETENESS, unit: 'of the expected readings (the least complete meter)' },
  table: METER_DAILY_TABLE,
  observe: (c) =>
    `SELECT min(completeness) AS observed, count(*) FILTER (WHERE completeness < ${MIN_METER_COMPLETENESS}) AS involved
     FROM ${c.table(METER_DAILY_TABLE)}`,
  offending: (c) =>
    `SELECT meter_id, readings, expected_readings, gaps, step_minutes FROM ${c.table(METER_DAILY_TABLE)}
     WHERE completeness < ${MIN_METER_COMPLETENESS} ORDER BY completeness, meter_id`,
};

const duplicates: Check = {
  name: 'duplicate_readings',
  description: 'no meter reading is delivered twice for the same instant',
  severity: 'warn',
  limit: { max: 0, unit: 'repeated readings' },
  table: METER_DAILY_TABLE,
  observe: (c) =>
    `SELECT coalesce(sum(duplicates), 0) AS observed, observed AS involved FROM ${c.table(METER_DAILY_TABLE)}`,
  offending: (c) =>
    `SELECT meter_id, duplicates FROM ${c.table(METER_DAILY_TABLE)} WHERE duplicates > 0 ORDER BY duplicates DESC, meter_id`,
};

/** Readings of a meter whose instant is before that of the previous line of the same file. */
const backwards = (c: Context) => `(
  SELECT meter_id, file, line, ts, lag(ts) OVER (PARTITION BY meter_id, file ORDER BY line) AS previous_ts
  FROM ${c.table(READINGS_TABLE)})`;
const timeOrder: Check = {
  name: 'time_order',
  description: 'within a file, the readings of a meter never go back in time',
  severity: 'warn',
  limit: { max: 0, unit: 'readings earlier than the line before' },
  table: READINGS_TABLE,
  observe: (c) =>
    `SELECT count(*) FILTER (WHERE ts < previous_ts) AS observed, observed AS involved FROM ${backwards(c)}`,
  offending: (c) =>
    `SELECT meter_id, file, line, ts, previous_ts FROM ${backwards(c)} WHERE ts < previous_ts ORDER BY file, line`,
};

/** Meters of the day before with no reading today. */
const silent = (c: Context, before: string) =>
  `(SELECT meter_id, readings AS readings_day_before, energy_kwh AS energy_kwh_day_before FROM ${before}
    WHERE meter_id NOT IN (SELECT meter_id FROM ${c.table(METER_DAILY_TABLE)}))`;
const silentMeters: Check = {
  name: 'silent_meters',
  description: 'every meter that reported the day before reports today',
  severity: 'warn',
  limit: { max: 0, unit: 'meters silent since the day before' },
  table: METER_DAILY_TABLE,
  previousDay: METER_DAILY_TABLE,
  observe: (c) => {
    const before = c.previous(METER_DAILY_TABLE);
    return before === null
      ? 'SELECT NULL AS observed, 0 AS involved'
      : `SELECT count(*) AS observed, observed AS involved FROM ${silent(c, before)}`;
  },
  offending: (c) => {
    const before = c.previous(METER_DAILY_TABLE);
    return before === null
      ? 'SELECT NULL AS meter_id WHERE false'
      : `SELECT * FROM ${silent(c, before)} ORDER BY meter_id`;
  },
};

export const smartMeterChecks: readonly Check[] = [
  rejectedRows,
  meterCompleteness,
  duplicates,
  timeOrder,
  zeroDay,
  silentMeters,
];
