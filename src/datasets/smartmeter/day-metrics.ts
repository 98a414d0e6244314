/**
 * The smart-meter day's metrics (`metrics/smartmeter/dt={date}/metrics.json`), as SQL over its
 * `meter_daily` table: meters, readings against the readings expected of a 23-, 24- or 25-hour day,
 * completeness, energy, the step, meters with gaps, duplicates and the day's highest reading.
 */
import { sqlString } from '../../parquet/columns.js';
import { PARTITION_TIMEZONE } from '../../shared/partition.js';
import type { DayMetrics, MetricsContext } from '../contract.js';
import type { SmartMeterConfig } from './config.js';
import { METER_DAILY_TABLE } from './day-transform.js';

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export async function smartMeterMetrics(context: MetricsContext<SmartMeterConfig>): Promise<DayMetrics> {
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
    },
    completeness,
  };
}
