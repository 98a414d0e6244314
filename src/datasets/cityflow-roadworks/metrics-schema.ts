/** Shape of `metrics/cityflow-roadworks/dt={date}/metrics.json` (metrics.ts). */
import { z } from 'zod';
import { metricsHead } from '../metrics-head.js';

const text = z.string().nullable();
const count = z.int().nonnegative();

export const roadworksMetricsSchema = z.object({
  ...metricsHead('cityflow-roadworks'),
  /** The list the day was read from; all null when the day has no snapshot row. */
  snapshot: z.object({ slot: text, takenAt: z.iso.datetime().nullable(), file: text }),
  works: count,
  active: count,
  startedOnDay: count,
  endedOnDay: count,
  undated: count,
  activeByImpact: z.record(z.string(), count),
  activeByArrondissement: z.record(z.string(), count),
  biggestActive: z.array(
    z.object({
      id: text,
      arrondissement: text,
      street: text,
      object: text,
      starts: text,
      ends: text,
      impact: z.string(),
      level: z.number().nullable(),
    }),
  ),
  completeness: z.number().min(0).max(1),
});
