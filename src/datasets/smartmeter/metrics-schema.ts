/** Shape of `metrics/smartmeter/dt={date}/metrics.json` (day-metrics.ts). */
import { z } from 'zod';
import { metricsHead } from '../metrics-head.js';
import { dayAnomaliesSchema } from './day-metrics.js';

const count = z.int().nonnegative();

export const smartMeterMetricsSchema = z.object({
  ...metricsHead('smartmeter'),
  meters: count,
  readings: count,
  expectedReadings: count,
  completeness: z.number().nonnegative().nullable(),
  energyKWh: z.number().nullable(),
  stepMinutes: z.number().positive(),
  metersWithGaps: count,
  duplicates: count,
  peak: z.object({ meterId: z.string(), kWh: z.number(), at: z.iso.datetime() }).nullable(),
  /** Absent from days run before anomalies were detected. */
  anomalies: dayAnomaliesSchema.optional(),
});
