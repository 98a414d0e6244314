/** The Paris weather's own variables: Open-Meteo's archive and forecast APIs, the point asked for, and whether it runs daily. */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';

export interface WeatherConfig {
  readonly archiveUrl: string;
  readonly forecastUrl: string;
  /** Days before today the forecast API is asked for (`past_days`): how late a provisional day can still be run. */
  readonly pastDays: number;
  readonly latitude: number;
  readonly longitude: number;
  /** Whether the daily schedule runs the weather (CITYFLOW_WEATHER_DAILY); `courant run --datasets` always can. */
  readonly daily: boolean;
}

const httpUrl = (fallback: string) =>
  z
    .url()
    .refine((v) => v.startsWith('http:') || v.startsWith('https:'), { message: 'must be a http or https URL' })
    .default(fallback);

export const weatherConfig: DatasetConfig<WeatherConfig> = {
  env: z.object({
    OPEN_METEO_ARCHIVE_URL: httpUrl('https://archive-api.open-meteo.com/v1/archive'),
    OPEN_METEO_FORECAST_URL: httpUrl('https://api.open-meteo.com/v1/forecast'),
    // Open-Meteo answers past_days from 0 to 92.
    OPEN_METEO_PAST_DAYS: z.coerce.number().int().min(1).max(92).default(14),
    CITYFLOW_LATITUDE: z.coerce.number().min(-90).max(90).default(48.8566),
    CITYFLOW_LONGITUDE: z.coerce.number().min(-180).max(180).default(2.3522),
    CITYFLOW_WEATHER_DAILY: z.enum(['true', 'false']).default('false'),
  }),
  read: (env) => ({
    archiveUrl: String(env.OPEN_METEO_ARCHIVE_URL),
    forecastUrl: String(env.OPEN_METEO_FORECAST_URL),
    pastDays: Number(env.OPEN_METEO_PAST_DAYS),
    latitude: Number(env.CITYFLOW_LATITUDE),
    longitude: Number(env.CITYFLOW_LONGITUDE),
    daily: env.CITYFLOW_WEATHER_DAILY === 'true',
  }),
};
