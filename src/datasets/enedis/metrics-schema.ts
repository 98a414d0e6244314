/** Shape of `metrics/enedis/dt={date}/metrics.json` (day-metrics.ts). */
import { z } from 'zod';
import { metricsHead } from '../metrics-head.js';

const count = z.int().nonnegative();
const part = z.int().positive().nullable();

export const enedisMetricsSchema = z.object({
  ...metricsHead('enedis'),
  readings: count,
  prms: count,
  flagged: count,
  estimated: count,
  readingsByFlow: z.record(z.string(), count),
  /** The deliveries recorded on the day (deliveries.ts). */
  deliveries: z.array(
    z.object({ name: z.string(), series: z.string(), number: z.int(), part, parts: part, stamp: z.string() }),
  ),
  /** Numbers, or parts of a number, missing from a series, noticed on this day. */
  missedDeliveries: z.array(
    z.object({
      series: z.string(),
      from: z.int(),
      to: z.int(),
      part,
      parts: part,
      after: z.int().nullable(),
      before: z.int(),
      noticed: z.iso.date(),
    }),
  ),
});
