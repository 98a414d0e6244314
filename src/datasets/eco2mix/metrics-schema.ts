/**
 * Shape of `metrics/eco2mix/dt={date}/metrics.json` (docs/architecture.md#metrics-documents).
 * Figures that cannot be computed are null.
 */
import { z } from 'zod';
import { ECO2MIX_NATURES } from './nature.js';

/** A figure that is null when no point carries the values it needs. */
const figure = z.number().nullable();

export const eco2mixMetricsSchema = z.object({
  dataset: z.literal('eco2mix'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  timezone: z.literal('Europe/Paris'),
  /** Where the day's points came from; null when the day has no point. */
  source: z.enum(['realtime', 'consolidated', 'mixed']).nullable(),
  /**
   * The nature of the day's points: the oldest among those with consumption (real time, then
   * consolidated, then definitive); null when the day has no point. Absent from days run before it was kept.
   */
  nature: z.enum(ECO2MIX_NATURES).nullable().optional(),
  stepMinutes: z.union([z.literal(15), z.literal(30)]),
  points: z.int().nonnegative(),
  expectedPoints: z.int().positive(),
  completeness: z.number().nonnegative(),
  consumption: z.object({
    energyMWh: figure,
    peakMW: figure,
    peakAt: z.iso.datetime({ offset: false }).nullable(),
    minMW: figure,
    minAt: z.iso.datetime({ offset: false }).nullable(),
    meanMW: figure,
  }),
  production: z.object({
    totalMWh: figure,
    bySourceMWh: z.object({
      fioul: figure,
      charbon: figure,
      gaz: figure,
      nucleaire: figure,
      eolien: figure,
      solaire: figure,
      hydraulique: figure,
      bioenergies: figure,
    }),
    lowCarbonSharePct: figure,
  }),
  exchanges: z.object({ netImportMWh: figure }),
  co2: z.object({ meanIntensityGPerKWh: figure }),
  forecast: z.object({ dayAheadMAPEPct: figure }),
});

export type Eco2mixMetrics = z.infer<typeof eco2mixMetricsSchema>;
