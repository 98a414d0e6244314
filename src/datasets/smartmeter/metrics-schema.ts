/** Shape of `metrics/smartmeter/dt={date}/metrics.json`: the day across meters. */
import { z } from 'zod';

export const smartMeterMetricsSchema = z.object({
  dataset: z.literal('smartmeter'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  timezone: z.literal('Europe/Paris'),
  stepMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]),
  /** Intervals of a complete day for one meter: hours of the day × 60 / step. */
  expectedIntervalsPerMeter: z.int().positive(),
  /** Meters with at least one kept reading. */
  meters: z.int().nonnegative(),
  readings: z.int().nonnegative(),
  totalKWh: z.number().nullable(),
  meanKWhPerMeter: z.number().nullable(),
  /** Distinct (meter, interval) pairs with a reading. */
  presentIntervals: z.int().nonnegative(),
  /** Expected intervals of the meters present that have no reading. */
  missingIntervals: z.int().nonnegative(),
  /** presentIntervals / (meters × expectedIntervalsPerMeter); null without meters. */
  completeness: z.number().nonnegative().nullable(),
  metersWithGaps: z.int().nonnegative(),
  /** Readings on an interval that already had one (kept, and counted in totals). */
  duplicateReadings: z.int().nonnegative(),
  peakReading: z.object({ meterId: z.string(), kWh: z.number(), at: z.iso.datetime({ offset: false }) }).nullable(),
});

export type SmartMeterMetrics = z.infer<typeof smartMeterMetricsSchema>;
