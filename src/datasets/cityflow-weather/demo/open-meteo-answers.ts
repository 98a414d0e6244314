/**
 * The weather demo's data: a real Open-Meteo forecast answer for Paris shipped in `samples/`
 * (provenance in PROVENANCE.md there), one day of hours. Archive and forecast requests are answered
 * in its shape (fields, units, columnar `hourly` arrays) in GMT, each hour taking the sample's
 * values of the same hour of the day: any day can be asked for, and reads as 2024-08-17's weather.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { WEATHER_VARIABLES } from '../source.js';

const SAMPLE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'samples',
  'openmeteo_paris_forecast_hourly_2024-08-17.json',
);

const hours = z.array(z.number()).length(24);
const sampleSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  elevation: z.number(),
  utc_offset_seconds: z.number().int(),
  hourly_units: z.record(z.string(), z.string()),
  hourly: z.object({
    temperature_2m: hours,
    precipitation: hours,
    wind_speed_10m: hours,
    weather_code: hours,
  }),
});

export type WeatherSample = z.infer<typeof sampleSchema>;

const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Days the archive lags behind `today`: its hours from then on are null. */
export const ARCHIVE_LAG_DAYS = 5;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function loadWeatherSample(): Promise<WeatherSample> {
  return sampleSchema.parse(JSON.parse(await readFile(SAMPLE, 'utf8')));
}

/**
 * The answer for the GMT hours [from, to), hours from `missingFrom` on null (as the archive leaves
 * the days it has not yet); a reason when Open-Meteo would refuse the request.
 */
function hourlyAnswer(sample: WeatherSample, params: URLSearchParams, from: number, to: number, missingFrom: number) {
  const asked = (params.get('hourly') ?? '').split(',').filter(Boolean);
  const unknown = asked.find((name) => !(WEATHER_VARIABLES as readonly string[]).includes(name));
  if (unknown !== undefined)
    return `Cannot initialize WeatherVariable from invalid String value ${unknown} for key hourly`;
  if ((params.get('timezone') ?? 'GMT') !== 'GMT') return 'the demo stand-in answers in GMT only';
  const time: string[] = [];
  const values = new Map<string, Array<number | null>>(asked.map((name) => [name, []]));
  const shift = Math.round(sample.utc_offset_seconds / 3600);
  for (let at = from; at < to; at += HOUR_MS) {
    time.push(new Date(at).toISOString().slice(0, 16));
    // The sample's hours are local (its utc_offset_seconds): GMT hour h is its hour h + offset.
    const index = (new Date(at).getUTCHours() + shift + 24) % 24;
    for (const [name, list] of values)
      list.push(at < missingFrom ? (sample.hourly[name as keyof WeatherSample['hourly']][index] ?? null) : null);
  }
  return {
    latitude: sample.latitude,
    longitude: sample.longitude,
    generationtime_ms: 0.1,
    utc_offset_seconds: 0,
    timezone: 'GMT',
    timezone_abbreviation: 'GMT',
    elevation: sample.elevation,
    hourly_units: Object.fromEntries(['time', ...asked].map((name) => [name, sample.hourly_units[name] ?? ''])),
    hourly: { time, ...Object.fromEntries(values) },
  };
}

/** The archive's answer for `start_date`..`end_date`: the hours before {@link ARCHIVE_LAG_DAYS} days before `today` (GMT midnight, ms). */
export function archiveAnswer(sample: WeatherSample, params: URLSearchParams, today: number): object | string {
  const start = params.get('start_date') ?? '';
  const end = params.get('end_date') ?? '';
  if (!DATE.test(start) || !DATE.test(end)) return "Parameter 'start_date' and 'end_date' are required";
  if (start > end) return 'End-date must be larger or equal than start-date';
  return hourlyAnswer(
    sample,
    params,
    Date.parse(`${start}T00:00Z`),
    Date.parse(`${end}T00:00Z`) + DAY_MS,
    today - ARCHIVE_LAG_DAYS * DAY_MS,
  );
}

/** The forecast API's answer: `past_days` before `today` (GMT midnight, ms) and `forecast_days` from it. */
export function forecastAnswer(sample: WeatherSample, params: URLSearchParams, today: number): object | string {
  const pastDays = Number(params.get('past_days') ?? '0');
  const forecastDays = Number(params.get('forecast_days') ?? '7');
  if (!Number.isInteger(pastDays) || pastDays < 0 || pastDays > 92)
    return "Parameter 'past_days' must be between 0 and 92";
  if (!Number.isInteger(forecastDays) || forecastDays < 0 || forecastDays > 16)
    return "Parameter 'forecast_days' must be between 0 and 16";
  return hourlyAnswer(
    sample,
    params,
    today - pastDays * DAY_MS,
    today + forecastDays * DAY_MS,
    Number.POSITIVE_INFINITY,
  );
}
