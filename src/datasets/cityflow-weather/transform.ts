/**
 * The Paris weather day: the archive's and the forecast's answers → `weather.parquet`, one row per
 * hour STARTING in [D 00:00, D+1 00:00) Paris (23, 24 or 25), with the temperature and wind at its
 * start and the precipitation that fell during it (Open-Meteo stamps precipitation at the END of
 * its hour). The archive is kept when it has every hour of the day (final); otherwise the forecast
 * (provisional). DuckDB reads the JSON itself; the arrays under `hourly` are zipped by index and
 * each `time`, printed in the answer's `utc_offset_seconds`, made a UTC instant.
 */
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { TransformOutput } from '../contract.js';
import type { DayFile } from '../inputs.js';
import type { DayTransformContext } from '../each-day.js';
import type { WeatherConfig } from './config.js';
import { readWeatherHours } from './hours.js';
import { ARCHIVE_SOURCE, FORECAST_SOURCE } from './source.js';

export const WEATHER_TABLE = 'weather';

type Db = DayTransformContext<WeatherConfig>['db'];

/** SQL of the day's hours of one source (`w_hours`), each hour with the precipitation stamped at its end. */
export function dayHoursSql(date: string, source: string): string {
  const { start, end } = parisDayBounds(date);
  return `SELECT h.instant AS hour_start, h.temperature_c, n.precipitation_mm, h.wind_speed_kmh, h.weather_code
    FROM w_hours h LEFT JOIN w_hours n ON n.source = h.source AND n.instant = h.instant + INTERVAL 1 HOUR
    WHERE h.source = ${sqlString(source)} AND h.instant >= ${sqlString(start.toISOString())}::TIMESTAMPTZ
      AND h.instant < ${sqlString(end.toISOString())}::TIMESTAMPTZ`;
}

/** The hours of the day `source` gives a temperature and a precipitation for. */
export async function hoursWithWeather(db: Db, date: string, source: string): Promise<number> {
  const sql = `SELECT count(*) FROM (${dayHoursSql(date, source)}) WHERE temperature_c IS NOT NULL AND precipitation_mm IS NOT NULL`;
  return Number((await db.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/** Whether the archive's answer (read into `w_hours`) has every hour of the day: the day is final. */
export async function archiveHasDay(db: Db, date: string): Promise<boolean> {
  return (await hoursWithWeather(db, date, ARCHIVE_SOURCE)) === parisDayBounds(date).hours;
}

const keys = (files: readonly DayFile[]) => files.map((f) => f.key).join(', ');

/** See the module's doc: the day's answers → weather rows. Idempotent. */
export async function transformWeather(context: DayTransformContext<WeatherConfig>): Promise<TransformOutput> {
  const { db, date, files } = context;
  try {
    const read = await readWeatherHours(db, files);
    const final = await archiveHasDay(db, date);
    const source = final ? ARCHIVE_SOURCE : FORECAST_SOURCE;
    const written = Number(
      (
        await db.runAndReadAll(
          copyToParquetSql(
            `SELECT hour_start, temperature_c, precipitation_mm, wind_speed_kmh, weather_code, ${sqlString(source)} AS source
             FROM (${dayHoursSql(date, source)}) WHERE temperature_c IS NOT NULL ORDER BY hour_start`,
            context.tablePath(WEATHER_TABLE),
          ),
        )
      ).getRows()[0]?.[0] ?? 0,
    );
    if (written === 0)
      throw new BadDataError(
        { file: keys(files) },
        `no hour of ${date}: the archive does not have the day yet and the forecast's past days no longer reach it`,
      );
    return { tables: [WEATHER_TABLE], rows: { read, written, rejected: 0 } };
  } finally {
    await db.run('DROP TABLE IF EXISTS w_hours');
  }
}
