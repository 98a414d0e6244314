/** Shape of `metrics/cityflow-weather/dt={date}/metrics.json` (metrics.ts). */
import { z } from 'zod';
import { metricsHead } from '../metrics-head.js';

const instant = z.iso.datetime().nullable();
const figure = z.number().nullable();

export const weatherMetricsSchema = z.object({
  ...metricsHead('cityflow-weather'),
  /** `final`: the archive's hours; `provisional`: the forecast's, to be revised. */
  status: z.enum(['final', 'provisional']),
  latitude: z.number(),
  longitude: z.number(),
  hours: z.int().min(23).max(25),
  hoursWithWeather: z.int().nonnegative(),
  temperature: z.object({ minC: figure, minAt: instant, maxC: figure, maxAt: instant, meanC: figure }),
  precipitationMm: figure,
  wind: z.object({ maxKmh: figure, maxAt: instant }),
  hourly: z.array(
    z.object({
      at: instant,
      temperatureC: figure,
      precipitationMm: figure,
      windKmh: figure,
      weatherCode: figure,
    }),
  ),
  completeness: z.number().min(0).max(1),
});
