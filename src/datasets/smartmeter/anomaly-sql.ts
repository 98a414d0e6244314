/**
 * The scoring query of smart-meter anomaly detection: one DuckDB query that gives every reading
 * of the scored days a score and, above the threshold, a reason. The day's detector
 * (`anomalies.ts`) and the whole-series evaluation run this same query; only the readings given to
 * it differ.
 *
 * A reading of meter M on Paris day D is judged against M's **baseline**: its readings of the 28
 * days before D (`HISTORY_DAYS`), or, when those hold fewer than `MIN_HISTORY_READINGS`, D's own
 * readings: a meter with no history is scored from its day alone (median and MAD are robust to
 * the few anomalies a day holds), and a daily peak it has not yet shown for 3 days can be flagged.
 * Only readings (meter, instant, kWh) are used, never a label. Three scores, each a robust z
 * (deviation over 1.4826 × MAD, ≈ σ for normal noise); the reading's score is the largest:
 *
 * - **point** (spikes, dips, isolated zeros): the reading against its expected value, the
 *   baseline's median moved towards the median of the same Paris time of day by a James-Stein
 *   weight, 1 − (noise of a slot median) / (mean square of the slot medians' deviations). A meter
 *   with a daily rhythm gets its evening peak expected (weight ≈ 1); one without (the Kaggle
 *   sample is white noise) keeps its overall median (weight ≈ 0) instead of the noise of 28
 *   samples per slot. Weekday slots are left out: 28 days give 4 samples per slot.
 * - **level** (shifts lasting hours): the mean of the residuals (reading − expected) over the last
 *   `LEVEL_WINDOW_HOURS` hours, each clipped at ± the threshold so that one spike cannot move it,
 *   against the same means over the baseline; it counts for a reading that is itself off on the
 *   side of the shift, so the low readings of the hours after a low stretch are flagged with it,
 *   as their reason says ("over the last 5 h"). Five hours is the window of the Kaggle sample's
 *   `Avg_Past_Consumption` (the mean of the last 10 half-hours), whose extremes its labels
 *   follow. A reading has this score once its window reaches back 4 hours (steps up to 60 min).
 * - **zero run** (a meter stuck at zero): for two readings or more of exactly 0 kWh in a row
 *   within the day, the run's mean residual in standard errors (× √length), so that a stretch of
 *   zeros scores where one zero would not; a meter expected to read 0 scores nothing.
 *
 * Spreads below 2 % of the usual reading or `MIN_SPREAD_KWH` are raised to it, so that a meter
 * that always reads the same value does not flag every change. Days and time slots are Paris
 * local dates and times, so 23- and 25-hour days and any step need nothing special (the repeated
 * October hour shares its time slot). Medians are selections, the sums of groups exact (decimals)
 * and the window means (DOUBLE) taken over each meter's readings in time order, so the same
 * readings give the same scores whatever the threads.
 *
 * Cost: one pass of windows over the day and the day before (a meter without history reuses it
 * as its baseline's levels), per-meter aggregates kept (small), the rows themselves streamed rather
 * than kept between steps (`NOT MATERIALIZED`): memory grows with the readings of one query, which
 * `anomalies.ts` bounds by scoring meters in chunks.
 *
 * The threshold and the window were chosen on the labelled Kaggle sample, the only one there is,
 * and hold on each half of it; they beat a global |z| > 2 there (docs/datasets.md and
 * bench/RESULTS.md, "Anomaly detection", give the scores).
 */
import { sqlString } from '../../duckdb/columns.js';
import { isPartitionDate, PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';

/** A reading is an anomaly when its score is above this. */
export const ANOMALY_THRESHOLD = 2.2;
/** Days of a meter's history its readings are judged against. */
export const HISTORY_DAYS = 28;
/** Below this many readings in those days, a meter's day is judged against itself. */
export const MIN_HISTORY_READINGS = 48;
/** The window of the level score. */
export const LEVEL_WINDOW_HOURS = 5;
/** The smallest spread a meter's readings are given (kWh per reading). */
export const MIN_SPREAD_KWH = 0.01;

/** MAD × this ≈ σ for normally distributed noise. */
const MAD_TO_SIGMA = 1.4826;
/** A time of day with fewer readings in the baseline has no expected value of its own. */
const MIN_SLOT_READINGS = 3;
/** Weight of the time-of-day profile above which a reason names the time of day. */
const PROFILE_NAMED = 0.5;

export interface AnomalyScoresOptions {
  /** Score only the readings of this Paris day (YYYY-MM-DD); without it, every day of the series. */
  readonly day?: string;
}

const kwh = (expr: string) => `printf('%.2f', ${expr})`;

/** The reason of the point score: the reading against the expected one. */
const POINT_REASON = `CASE
  WHEN expected <= 0 THEN ${kwh('kwh')} || ' kWh where the meter usually uses none'
  WHEN kwh = 0 THEN 'no consumption where the meter usually uses ' || ${kwh('expected')} || ' kWh'
    || CASE WHEN w >= ${PROFILE_NAMED} THEN ' at ' || strftime(local, '%H:%M') ELSE '' END
  ELSE printf('%.1f', kwh / expected) || '× the meter''s usual '
    || CASE WHEN w >= ${PROFILE_NAMED} THEN strftime(local, '%H:%M') || ' ' ELSE '' END
    || 'consumption (' || ${kwh('kwh')} || ' kWh against ' || ${kwh('expected')} || ')' END`;

/** The reason of the level score: the last hours' mean against the expected one. */
const LEVEL_REASON = `CASE
  WHEN mean_expected <= 0 THEN ${kwh('mean_kwh')} || ' kWh per reading over the last ${LEVEL_WINDOW_HOURS} h where the meter usually uses none'
  ELSE printf('%.1f', mean_kwh / mean_expected) || '× the meter''s usual consumption over the last ${LEVEL_WINDOW_HOURS} h ('
    || ${kwh('mean_kwh')} || ' kWh per reading against ' || ${kwh('mean_expected')} || ')' END`;

const ZERO_REASON = `'no consumption for ' || printf('%.1f', zeros * step / 3600000.0)
  || ' h (stuck at zero?) where the meter usually uses ' || ${kwh('zero_expected')} || ' kWh per reading'`;

/**
 * SQL scoring the readings of `series` (a relation with `meter_id`, `ts` TIMESTAMPTZ, `kwh`, at
 * most one reading per meter and instant): one row per reading of the scored days with
 * `meter_id, ts, kwh, score, reason`, in no particular order. `score` (≥ 0, 3 decimals) is the
 * largest robust z of the module's doc; `reason` is null unless `score > ANOMALY_THRESHOLD`. Each
 * reading is judged against the series' readings of the 28 days before its day, so scoring a day
 * with its history, or the whole series in one pass, gives the same rows for that day.
 */
export function anomalyScoresSql(series: string, options: AnomalyScoresOptions = {}): string {
  if (options.day !== undefined && !isPartitionDate(options.day))
    throw new RangeError(`"${options.day}" is not a date written YYYY-MM-DD`);
  const scored = options.day === undefined ? 'true' : `day = ${sqlString(options.day)}::DATE`;
  const zone = sqlString(PARTITION_TIMEZONE);
  const t = ANOMALY_THRESHOLD;
  const target = 'PARTITION BY meter_id, target ORDER BY ms';
  const windowMs = LEVEL_WINDOW_HOURS * 3_600_000;
  const settledMs = (LEVEL_WINDOW_HOURS - 1) * 3_600_000;
  const recent = `${target} RANGE BETWEEN ${windowMs - 1} PRECEDING AND CURRENT ROW`;
  return `
WITH instants AS NOT MATERIALIZED (SELECT meter_id, ts, kwh::DOUBLE AS kwh, epoch_ms(ts) AS ms FROM (${series})),
-- Paris offsets change on whole UTC hours: one time-zone conversion per hour, not per reading.
offsets AS MATERIALIZED (
  SELECT hour, epoch_ms(timezone(${zone}, to_timestamp(hour * 3600))) - hour * 3600000 AS offset_ms
  FROM (SELECT DISTINCT ms // 3600000 AS hour FROM instants)),
readings AS NOT MATERIALIZED (
  SELECT *, local::DATE AS day, local::TIME AS slot FROM (
    SELECT i.*, epoch_ms(i.ms + o.offset_ms) AS local FROM instants i JOIN offsets o ON o.hour = i.ms // 3600000)),
targets AS MATERIALIZED (SELECT DISTINCT meter_id, day AS target FROM readings WHERE ${scored}),
window_rows AS NOT MATERIALIZED (
  SELECT r.*, t.target FROM targets t JOIN readings r
    ON r.meter_id = t.meter_id AND r.day >= t.target - ${HISTORY_DAYS} AND r.day <= t.target),
depth AS MATERIALIZED (
  SELECT meter_id, target, count(*) FILTER (WHERE day < target) >= ${MIN_HISTORY_READINGS} AS with_history
  FROM window_rows GROUP BY ALL),
context AS NOT MATERIALIZED (
  SELECT w.*, d.with_history, w.day < w.target OR NOT d.with_history AS in_baseline
  FROM window_rows w JOIN depth d USING (meter_id, target) WHERE d.with_history OR w.day = w.target),
usual AS MATERIALIZED (
  SELECT meter_id, target, median(kwh) AS med, ${MAD_TO_SIGMA} * mad(kwh) AS sigma,
         greatest(0.02 * abs(med), ${MIN_SPREAD_KWH}) AS floor
  FROM context WHERE in_baseline GROUP BY ALL),
-- A day alone holds each time of day once (twice for the repeated October hour): too few.
slots AS MATERIALIZED (
  SELECT meter_id, target, slot, median(kwh) AS slot_med, count(*) AS slot_n
  FROM context WHERE in_baseline AND with_history GROUP BY ALL HAVING count(*) >= ${MIN_SLOT_READINGS}),
deviations AS NOT MATERIALIZED (
  SELECT meter_id, target, slot_n, sigma, (slot_med - med)::DECIMAL(18, 9) AS d
  FROM slots JOIN usual USING (meter_id, target)),
shrink AS MATERIALIZED (
  SELECT meter_id, target,
         coalesce(greatest(0, 1 - pi() / 2 * any_value(sigma) ^ 2 / median(slot_n)
           / nullif(avg(d * d)::DOUBLE, 0)), 0) AS w
  FROM deviations GROUP BY ALL),
residuals AS NOT MATERIALIZED (
  SELECT c.*, u.floor, coalesce(s.w, 0) AS w, u.med + coalesce(s.w * (p.slot_med - u.med), 0) AS expected,
         c.kwh - expected AS r
  FROM context c JOIN usual u USING (meter_id, target) LEFT JOIN shrink s USING (meter_id, target)
  LEFT JOIN slots p USING (meter_id, target, slot)),
point_spread AS MATERIALIZED (
  SELECT meter_id, target, greatest(${MAD_TO_SIGMA} * mad(r), any_value(floor)) AS sp
  FROM residuals WHERE in_baseline GROUP BY ALL),
clipped AS NOT MATERIALIZED (
  SELECT r.*, sp, greatest(least(r, ${t} * sp), -${t} * sp) AS clipped_r
  FROM residuals r JOIN point_spread USING (meter_id, target)),
-- The day and the day before, in one pass: the level of each reading (the means over its window)
-- and the zero runs (a reading not of the day ends a run).
windowed AS MATERIALIZED (
  SELECT *, avg(clipped_r) OVER recent AS m, ms - first_value(ms) OVER recent >= ${settledMs} AS settled,
         avg(kwh) OVER recent AS mean_kwh, avg(expected) OVER recent AS mean_expected,
         ms - lag(ms) OVER (${target}) AS gap,
         sum((kwh <> 0 OR day <> target)::INTEGER) OVER (${target} ROWS UNBOUNDED PRECEDING) AS run
  FROM clipped WHERE day >= target - 1 WINDOW recent AS (${recent})),
-- The levels of the baseline: a meter without history has its day as baseline, already windowed.
levels AS (
  SELECT meter_id, target, floor, avg(clipped_r) OVER recent AS m,
         ms - first_value(ms) OVER recent >= ${settledMs} AS settled
  FROM clipped WHERE in_baseline AND with_history WINDOW recent AS (${recent})
  UNION ALL
  SELECT meter_id, target, floor, m, settled FROM windowed WHERE NOT with_history AND day = target),
level_spread AS MATERIALIZED (
  SELECT meter_id, target, median(m) AS level_med, greatest(${MAD_TO_SIGMA} * mad(m), any_value(floor)) AS level_sp
  FROM levels WHERE settled GROUP BY ALL),
day_rows AS NOT MATERIALIZED (SELECT * FROM windowed WHERE day = target),
zero_runs AS MATERIALIZED (
  SELECT meter_id, target, run, count(*) AS zeros, avg(expected) AS zero_expected
  FROM day_rows WHERE kwh = 0 GROUP BY ALL),
-- The step, for the reasons of zero runs only.
steps AS MATERIALIZED (
  SELECT meter_id, target, median(gap) AS step FROM day_rows
  WHERE (meter_id, target) IN (SELECT (meter_id, target) FROM zero_runs WHERE zeros >= 2) GROUP BY ALL),
z AS (
  SELECT *, abs(r) / sp AS point_z,
         coalesce(CASE WHEN settled AND sign(r) = sign(m - level_med) THEN abs(m - level_med) / level_sp END, 0) AS level_z,
         CASE WHEN kwh = 0 AND zeros >= 2 THEN greatest(zero_expected, 0) * sqrt(zeros) / sp ELSE 0 END AS zero_z
  FROM day_rows LEFT JOIN level_spread USING (meter_id, target) LEFT JOIN zero_runs USING (meter_id, target, run)
  LEFT JOIN steps USING (meter_id, target))
SELECT meter_id, ts, kwh, score,
       CASE WHEN score <= ${t} THEN NULL
            WHEN zero_z >= greatest(point_z, level_z) THEN ${ZERO_REASON}
            WHEN level_z > point_z THEN ${LEVEL_REASON}
            ELSE ${POINT_REASON} END AS reason
FROM (SELECT *, round(greatest(point_z, level_z, zero_z), 3) AS score FROM z)`;
}
