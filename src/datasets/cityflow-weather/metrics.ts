/**
 * The Paris weather day's metrics (`metrics/cityflow-weather/dt={date}/metrics.json`), as SQL over
 * its `weather` table: `status` (`final` from the archive, `provisional` from the forecast),
 * temperature min/max (with their hours) and mean, precipitation total, wind maximum, and the hourly
 * series. Completeness: the share of the day's hours (23, 24 or 25) that have a temperature.
 */
import { sqlString } from '../../duckdb/columns.js';
import { parisDayBounds, PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { DayMetrics } from '../contract.js';
import type { DayMetricsContext } from '../each-day.js';
import type { WeatherConfig } from './config.js';
import { ARCHIVE_SOURCE } from './source.js';
import { WEATHER_TABLE } from './transform.js';

export type WeatherStatus = 'final' | 'provisional';

const round = (value: unknown, digits: number) =>
  value === null || value === undefined ? null : Math.round(Number(value) * 10 ** digits) / 10 ** digits;
const instant = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

export async function weatherMetrics(context: DayMetricsContext<WeatherConfig>): Promise<DayMetrics> {
  const table = context.tables[WEATHER_TABLE];
  if (table === undefined) throw new Error(`no ${WEATHER_TABLE} table for ${context.date}`);
  const source = `read_parquet(${sqlString(table)})`;
  const rows = async (sql: string) => (await context.db.runAndReadAll(sql)).getRowObjects();
  const [s = {}] = await rows(
    `SELECT count(*) AS hours, bool_and(source = ${sqlString(ARCHIVE_SOURCE)}) AS final,
       min(temperature_c) AS min_c, epoch_ms(arg_min(hour_start, (temperature_c, hour_start))) AS min_at,
       max(temperature_c) AS max_c, epoch_ms(arg_max(hour_start, (temperature_c, -epoch(hour_start)))) AS max_at,
       avg(temperature_c::DECIMAL(18, 6)) AS mean_c, sum(precipitation_mm::DECIMAL(18, 3)) AS precipitation_mm,
       count(precipitation_mm) AS precipitation_hours,
       max(wind_speed_kmh) AS wind_max, epoch_ms(arg_max(hour_start, (wind_speed_kmh, -epoch(hour_start))) FILTER (WHERE wind_speed_kmh IS NOT NULL)) AS wind_at
     FROM ${source}`,
  );
  const hourly = await rows(
    `SELECT epoch_ms(hour_start) AS at, temperature_c, precipitation_mm, wind_speed_kmh, weather_code
     FROM ${source} ORDER BY hour_start`,
  );
  const { hours } = parisDayBounds(context.date);
  const status: WeatherStatus = s.final === true ? 'final' : 'provisional';
  const completeness = Math.round((Number(s.hours ?? 0) / hours) * 1e6) / 1e6;
  return {
    document: {
      dataset: 'cityflow-weather',
      date: context.date,
      timezone: PARTITION_TIMEZONE,
      status,
      latitude: context.config.latitude,
      longitude: context.config.longitude,
      hours,
      hoursWithWeather: Number(s.hours ?? 0),
      temperature: {
        minC: round(s.min_c, 1),
        minAt: instant(s.min_at),
        maxC: round(s.max_c, 1),
        maxAt: instant(s.max_at),
        meanC: round(s.mean_c, 2),
      },
      precipitationMm: Number(s.precipitation_hours ?? 0) === 0 ? null : round(s.precipitation_mm, 2),
      wind: { maxKmh: round(s.wind_max, 1), maxAt: instant(s.wind_at) },
      hourly: hourly.map((h) => ({
        at: instant(h.at),
        temperatureC: round(h.temperature_c, 1),
        precipitationMm: round(h.precipitation_mm, 2),
        windKmh: round(h.wind_speed_kmh, 1),
        weatherCode: h.weather_code === null ? null : Number(h.weather_code),
      })),
      completeness,
    },
    completeness,
  };
}
