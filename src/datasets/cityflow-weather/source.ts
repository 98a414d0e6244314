/**
 * Where the Paris weather comes from: Open-Meteo, hourly, always asked in GMT. Its
 * `timezone=Europe/Paris` applies one fixed offset to a whole answer (never 23 or 25 hours), so
 * courant asks for GMT dates and cuts the Paris day by UTC instants. The archive (`/v1/archive`,
 * `start_date`..`end_date` inclusive) is final but lags real time by days, filling the hours it
 * does not have yet with null; the forecast API (`past_days`) has the recent days, provisionally.
 */
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { WeatherConfig } from './config.js';

/** The hourly variables asked for, by Open-Meteo name. Temperature and wind are instants; precipitation is the sum of the hour BEFORE its stamp. */
export const WEATHER_VARIABLES = ['temperature_2m', 'precipitation', 'wind_speed_10m', 'weather_code'] as const;

/** The http sources of a day: the archive (final) and the forecast (provisional). */
export const ARCHIVE_SOURCE = 'archive';
export const FORECAST_SOURCE = 'forecast';

const gmtDate = (instant: Date) => instant.toISOString().slice(0, 10);

/**
 * The GMT dates holding Paris day `date`: from its first hour's start to its end instant, which
 * stamps the precipitation of its last hour (D−1..D for Paris, east of Greenwich).
 */
export function gmtWindow(date: string): { readonly startDate: string; readonly endDate: string } {
  const { start, end } = parisDayBounds(date);
  return { startDate: gmtDate(start), endDate: gmtDate(end) };
}

function query(config: WeatherConfig, extra: Record<string, string>): string {
  return new URLSearchParams({
    latitude: String(config.latitude),
    longitude: String(config.longitude),
    hourly: WEATHER_VARIABLES.join(','),
    timezone: 'GMT',
    ...extra,
  }).toString();
}

/** The archive's answer for the GMT dates of Paris day `date`. */
export function archiveUrl(config: WeatherConfig, date: string): string {
  const { startDate, endDate } = gmtWindow(date);
  return `${config.archiveUrl}?${query(config, { start_date: startDate, end_date: endDate })}`;
}

/**
 * The forecast API's last `pastDays` days and today. Not a function of the day: Open-Meteo refuses
 * dates older than about three months in this API, and `past_days` is never refused, so every day
 * can ask it (a day it no longer reaches is one the archive has).
 */
export function forecastUrl(config: WeatherConfig): string {
  return `${config.forecastUrl}?${query(config, { past_days: String(config.pastDays), forecast_days: '1' })}`;
}
