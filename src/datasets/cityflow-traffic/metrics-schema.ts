/** Shape of `metrics/cityflow-traffic/dt={date}/metrics.json` (metrics.ts). */
import { z } from 'zod';
import { metricsHead } from '../metrics-head.js';

const count = z.int().nonnegative();

export const trafficMetricsSchema = z.object({
  ...metricsHead('cityflow-traffic'),
  /** Hours of the Paris day: 23, 24 or 25. */
  hours: z.int().min(23).max(25),
  arcs: count,
  arcsWithFlow: count,
  vehicles: z.number().nullable(),
  meanOccupancyPct: z.number().nullable(),
  arcHoursByState: z.record(z.string(), count),
  busiestArcs: z.array(z.object({ arcId: z.string(), label: z.string(), vehicles: z.number().nullable() })),
  hourly: z.array(z.object({ at: z.iso.datetime(), vehicles: z.number().nullable() })),
  completeness: z.number().min(0).max(1),
});
