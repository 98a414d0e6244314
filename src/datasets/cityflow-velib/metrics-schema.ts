/** Shape of `metrics/cityflow-velib/dt={date}/metrics.json` (metrics.ts). */
import { z } from 'zod';
import { metricsHead } from '../metrics-head.js';

const count = z.int().nonnegative();
const figure = z.number().nullable();
const text = z.string().nullable();

export const velibMetricsSchema = z.object({
  ...metricsHead('cityflow-velib'),
  hours: z.int().min(23).max(25),
  slotMinutes: z.int().positive(),
  slots: z.object({ expected: count, taken: count, missed: z.array(z.string()) }),
  coverage: z.number().min(0).max(1),
  coveredHours: figure,
  stations: z.object({
    reporting: count,
    listed: count,
    neverReporting: count,
    neverReportingFirst: z.array(z.object({ stationId: z.number(), code: text, name: text })),
  }),
  bikesAvailable: z.object({ total: figure, mechanical: figure, electric: figure }),
  bikeHours: z.object({ total: figure, mechanical: figure, electric: figure }),
  stationHours: z.object({ empty: figure, full: figure }),
  mostVolatile: z.array(
    z.object({ stationId: z.number(), code: text, name: text, moves: z.number(), snapshots: z.number() }),
  ),
  series: z.array(
    z.object({ slot: z.string(), at: z.iso.datetime(), bikes: figure, mechanical: figure, electric: figure }),
  ),
  completeness: z.number().min(0).max(1),
});
