/**
 * The day's Paris weather read beside the traffic (when the weather dataset ran that day): per hour
 * start, the temperature and the precipitation that fell during the hour, to set the network
 * profile against the rain.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../duckdb/columns.js';
import { tableOf } from '../contract.js';
import { cityflowWeatherDataset } from '../cityflow-weather/module.js';
import { WEATHER_TABLE } from '../cityflow-weather/transform.js';

/** The weather dataset's hourly table (cityflow-weather's README). */
export const WEATHER_BESIDE = tableOf(cityflowWeatherDataset, WEATHER_TABLE);

/** Precipitation from which an hour counts as rainy (Open-Meteo reports 0.1 mm steps). */
export const RAINY_HOUR_MM = 0.1;

export interface WeatherHour {
  /** UTC instant of the hour's start, in ms. */
  readonly at: number;
  readonly temperatureC: number | null;
  readonly precipitationMm: number | null;
}

/** The weather's hours of the day from its Parquet table at `file`, by hour start. */
export async function weatherHours(db: DuckDBConnection, file: string): Promise<WeatherHour[]> {
  const rows = await db.runAndReadAll(
    `SELECT epoch_ms(hour_start) AS at, temperature_c, precipitation_mm
     FROM read_parquet(${sqlString(file)}) ORDER BY hour_start`,
  );
  return rows.getRowObjects().map((r) => ({
    at: Number(r.at),
    temperatureC: r.temperature_c === null ? null : Number(r.temperature_c),
    precipitationMm: r.precipitation_mm === null ? null : Number(r.precipitation_mm),
  }));
}
