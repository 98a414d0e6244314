/**
 * The smart-meter day's metrics (`metrics/smartmeter/dt={date}/metrics.json`), as SQL over its
 * `meter_daily` table: meters, readings against the readings expected of a 23-, 24- or 25-hour day,
 * completeness, energy, the step, meters with gaps, duplicates and the day's highest reading; and
 * its anomalies, the day's readings scored against the stored readings of the 28 days before
 * (`anomalies.ts`), written to `anomalies.parquet` and counted, the strongest listed.
 */
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { DayMetrics } from '../contract.js';
import type { DayMetricsContext } from '../each-day.js';
import type { SmartMeterConfig } from './config.js';
import { ANOMALY_THRESHOLD, scoreAnomalies } from './anomalies.js';
import { HISTORY_DAYS } from './anomaly-sql.js';
import { METER_DAILY_TABLE, READINGS_TABLE } from './day-transform.js';

/** Anomalies listed in the metrics document (and the report), strongest first. */
export const STRONGEST_ANOMALIES = 10;

/** The `anomalies` part of the metrics document (absent from days run before anomalies were detected). */
export const dayAnomaliesSchema = z.object({
  count: z.number().int().nonnegative(),
  scored: z.number().int().nonnegative(),
  threshold: z.number(),
  historyDays: z.number().int().nonnegative(),
  strongest: z.array(
    z.object({ meterId: z.string(), at: z.iso.datetime(), kWh: z.number(), score: z.number(), reason: z.string() }),
  ),
});
export type DayAnomalies = z.infer<typeof dayAnomaliesSchema>;

/** The day's anomalies: how many, against how many days of history, and the strongest. */
async function anomaliesOf(context: DayMetricsContext<SmartMeterConfig>): Promise<DayAnomalies> {
  const readings = context.tables[READINGS_TABLE];
  if (readings === undefined) throw new Error(`no ${READINGS_TABLE} table for ${context.date}`);
  const history = await context.history(READINGS_TABLE, HISTORY_DAYS);
  const scored = await scoreAnomalies(context.db, {
    day: context.date,
    readings,
    history,
    target: context.anomaliesPath,
  });
  const strongest = (
    await context.db.runAndReadAll(
      `SELECT meter_id, epoch_ms(ts) AS at_ms, kwh, score, reason
       FROM read_parquet(${sqlString(context.anomaliesPath)})
       ORDER BY score DESC, meter_id, at_ms LIMIT ${STRONGEST_ANOMALIES}`,
    )
  ).getRowObjects();
  return {
    count: scored.anomalies,
    scored: scored.scored,
    threshold: ANOMALY_THRESHOLD,
    historyDays: history.length,
    strongest: strongest.map((row) => ({
      meterId: String(row.meter_id),
      at: new Date(Number(row.at_ms)).toISOString(),
      kWh: Number(row.kwh),
      score: Number(row.score),
      reason: String(row.reason),
    })),
  };
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export async function smartMeterMetrics(context: DayMetricsContext<SmartMeterConfig>): Promise<DayMetrics> {
  const table = context.tables[METER_DAILY_TABLE];
  if (table === undefined) throw new Error(`no ${METER_DAILY_TABLE} table for ${context.date}`);
  const source = `read_parquet(${sqlString(table)})`;
  const summary =
    (
      await context.db.runAndReadAll(
        `SELECT count(*) AS meters, coalesce(sum(readings), 0) AS readings,
                coalesce(sum(expected_readings), 0) AS expected, round(sum(energy_kwh::DECIMAL(38, 12)), 6)::DOUBLE AS energy,
                min(step_minutes) AS step, count(*) FILTER (WHERE gaps > 0) AS with_gaps,
                coalesce(sum(duplicates), 0) AS duplicates
         FROM ${source}`,
      )
    ).getRowObjects()[0] ?? {};
  const peak = (
    await context.db.runAndReadAll(
      `SELECT meter_id, max_kwh, epoch_ms(max_at) AS at FROM ${source} ORDER BY max_kwh DESC, max_at, meter_id LIMIT 1`,
    )
  ).getRowObjects()[0];
  const anomalies = await anomaliesOf(context);
  const readings = Number(summary.readings ?? 0);
  const expected = Number(summary.expected ?? 0);
  const completeness = expected === 0 ? null : Math.round((readings / expected) * 1e6) / 1e6;
  return {
    document: {
      dataset: 'smartmeter',
      date: context.date,
      timezone: PARTITION_TIMEZONE,
      meters: Number(summary.meters ?? 0),
      readings,
      expectedReadings: expected,
      completeness,
      energyKWh: num(summary.energy),
      stepMinutes: num(summary.step) ?? context.config.stepMinutes,
      metersWithGaps: Number(summary.with_gaps ?? 0),
      duplicates: Number(summary.duplicates ?? 0),
      peak: peak
        ? { meterId: String(peak.meter_id), kWh: Number(peak.max_kwh), at: new Date(Number(peak.at)).toISOString() }
        : null,
      anomalies,
    },
    completeness,
    anomalies: true,
  };
}
