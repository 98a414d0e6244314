/**
 * The Paris weather module on real DuckDB: the real Open-Meteo answer (printed in Europe/Paris with
 * one fixed offset) made UTC instants; Paris days of 24, 23 and 25 hours cut by UTC instants from
 * answers asked in GMT (the loopback stand-in built from the real sample); the archive kept when it
 * has the whole day (final), the forecast otherwise (provisional); the error body and a real answer
 * without hourly arrays refused with what is wrong; the revision check.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSource } from '../../src/activities/http-source.js';
import { cityflowWeather, cityflowWeatherDataset } from '../../src/datasets/cityflow-weather/module.js';
import { findCapability } from '../../src/datasets/modules.js';
import type { WeatherConfig } from '../../src/datasets/cityflow-weather/config.js';
import { archiveUrl, forecastUrl } from '../../src/datasets/cityflow-weather/source.js';
import { WEATHER_TABLE } from '../../src/datasets/cityflow-weather/transform.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { BadDataError, ErrorType } from '../../src/workflow-safe/errors.js';
import { OPEN_METEO_SAMPLE, startOpenMeteoServer, type OpenMeteoServer } from '../support/open-meteo.js';
import { runModuleDay } from '../support/module-day.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';

const DAILY_SAMPLE = path.join('test', 'fixtures', 'paris', 'openmeteo_paris_forecast_daily_GMT_2024-08-19.json');
const scratch = useScratchDuckDb('courant-weather-');
let meteo: OpenMeteoServer;
let config: WeatherConfig;

beforeAll(async () => {
  meteo = await startOpenMeteoServer({ archiveUntil: '2024-12-31', today: '2025-01-10' });
  config = {
    archiveUrl: `${meteo.baseUrl}/v1/archive`,
    forecastUrl: `${meteo.baseUrl}/v1/forecast`,
    pastDays: 14,
    latitude: 48.8566,
    longitude: 2.3522,
    daily: false,
  };
});
afterAll(async () => meteo.close());

let written = 0;
async function fileOf(source: string, body: string | Uint8Array): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `${source}-${written}.json`);
  await writeFile(file, body);
  return {
    source,
    key: `raw/cityflow-weather/x/${source}-${written}.json`,
    path: file,
    sha256: 'x',
    order: 0,
    options: {},
  };
}

/** The day's two answers, fetched from the stand-in as a day downloads them. */
async function answers(date: string): Promise<DayFile[]> {
  const archive = await fetchSource(archiveUrl(config, date), WAIT_DEADLINE_MS);
  const forecast = await fetchSource(forecastUrl(config), WAIT_DEADLINE_MS);
  return [await fileOf('archive', archive.body), await fileOf('forecast', forecast.body)];
}

async function runDay(date: string, files: DayFile[]) {
  const day = await runModuleDay(cityflowWeatherDataset, config, scratch, date, files);
  const rows = await day.rows(
    WEATHER_TABLE,
    `strftime(hour_start AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%MZ') AS hour_start, temperature_c, precipitation_mm,
     wind_speed_kmh, weather_code, source`,
  );
  return { result: day.transform, rows, metrics: day.metrics?.document ?? {} };
}

describe('the real forecast answer, printed in Europe/Paris with one fixed offset', () => {
  it('gives Paris day 2024-08-17 its 24 hours as UTC instants, the precipitation of each hour from the next stamp', async () => {
    const sample = JSON.parse(await readFile(OPEN_METEO_SAMPLE, 'utf8')) as {
      hourly: { temperature_2m: number[]; precipitation: number[] };
    };
    const archiveLacking = await fileOf(
      'archive',
      JSON.stringify({
        ...sample,
        hourly: { ...sample.hourly, temperature_2m: sample.hourly.temperature_2m.map(() => null) },
      }),
    );
    const { result, rows, metrics } = await runDay('2024-08-17', [
      archiveLacking,
      await fileOf('forecast', await readFile(OPEN_METEO_SAMPLE)),
    ]);
    expect(result.rows).toEqual({ read: 48, written: 24, rejected: 0 });
    // "2024-08-17T00:00" at utc_offset_seconds 7200 is 2024-08-16T22:00Z, the Paris day's first hour.
    expect(rows[0]).toMatchObject({ hour_start: '2024-08-16T22:00Z', temperature_c: 22.9, source: 'forecast' });
    // 5.4 mm are stamped 11:00 (Paris): they fell from 10:00, the hour starting 08:00Z.
    expect(rows.find((r) => r.hour_start === '2024-08-17T08:00Z')).toMatchObject({ precipitation_mm: 5.4 });
    // The last hour's precipitation is stamped at midnight, outside the answer: unknown, not zero.
    expect(rows.at(-1)).toMatchObject({ hour_start: '2024-08-17T21:00Z', temperature_c: 17.9, precipitation_mm: null });
    expect(metrics).toMatchObject({
      status: 'provisional',
      hours: 24,
      completeness: 1,
      temperature: { minC: 17.9, minAt: '2024-08-17T21:00:00.000Z', maxC: 22.9, maxAt: '2024-08-16T22:00:00.000Z' },
      precipitationMm: 31.5,
      wind: { maxKmh: 10.8, maxAt: '2024-08-17T17:00:00.000Z' },
    });
  });
});

describe('Paris days cut by UTC instants from answers asked in GMT', () => {
  it.each([
    ['2024-11-14', 24, '2024-11-13T23:00Z', '2024-11-14T22:00Z', '2024-11-13'],
    ['2024-03-31', 23, '2024-03-30T23:00Z', '2024-03-31T21:00Z', '2024-03-30'],
    ['2024-10-27', 25, '2024-10-26T22:00Z', '2024-10-27T22:00Z', '2024-10-26'],
  ])('%s: %i hours from %s to %s, final from the archive', async (date, hours, first, last, startDate) => {
    const files = await answers(date);
    expect(meteo.requests.at(-2)).toMatchObject({
      api: 'archive',
      params: {
        start_date: startDate,
        end_date: date,
        timezone: 'GMT',
        hourly: 'temperature_2m,precipitation,wind_speed_10m,weather_code',
      },
    });
    const { result, rows, metrics } = await runDay(date, files);
    expect(result.rows.written).toBe(hours);
    expect(rows[0]?.hour_start).toBe(first);
    expect(rows.at(-1)?.hour_start).toBe(last);
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['archive']));
    // Every hour has its precipitation, the last one's included (stamped at the day's end, in GMT date D).
    expect(rows.every((r) => r.precipitation_mm !== null)).toBe(true);
    expect(metrics).toMatchObject({ status: 'final', hours, hoursWithWeather: hours, completeness: 1 });
    expect((metrics.hourly as unknown[]).length).toBe(hours);
  });

  it('takes the forecast, provisional, while the archive lacks an hour of the day', async () => {
    meteo.archiveUntil = '2025-01-07';
    const { rows, metrics } = await runDay('2025-01-08', await answers('2025-01-08'));
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['forecast']));
    // The stand-in's forecast is the sample's temperature + 1.5 °C: hour 23:00Z takes index 23 (17.9).
    expect(rows[0]).toMatchObject({ hour_start: '2025-01-07T23:00Z', temperature_c: 19.4 });
    expect(metrics).toMatchObject({ status: 'provisional', hours: 24 });
  });

  it('fails the day, naming the files, when neither the archive nor the forecast reaches it', async () => {
    meteo.archiveUntil = '2024-06-01';
    const error = await runDay('2024-11-14', await answers('2024-11-14')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(/archive-\d+\.json, .*forecast-\d+\.json: no hour of 2024-11-14/);
  });
});

describe('answers that are not weather', () => {
  it("fails with Open-Meteo's reason when the body is its error", async () => {
    const body = JSON.stringify({
      reason: "Parameter 'start_date' is out of allowed range from 1940-01-01 to 2024-08-25",
      error: true,
    });
    const error = await runDay('2024-08-17', [await fileOf('archive', body)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(
      /archive-\d+\.json: Open-Meteo refused the request: Parameter 'start_date' is out of allowed range/,
    );
  });

  it('refuses an HTTP 400 error body without retrying, quoting the reason', async () => {
    const error = await fetchSource(
      `${meteo.baseUrl}/v1/forecast?hourly=temperature_2m&past_days=200`,
      WAIT_DEADLINE_MS,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: ErrorType.SourceRejected, nonRetryable: true });
    expect((error as Error).message).toMatch(
      /answered HTTP 400: .*"reason":"Parameter 'past_days' must be between 0 and 92"/,
    );
  });

  it('refuses the real daily answer, which has no hourly arrays, naming the column', async () => {
    const error = await runDay('2024-08-19', [await fileOf('archive', await readFile(DAILY_SAMPLE))]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BadDataError);
    expect((error as Error).message).toMatch(/column hourly\.time: the answer has no hourly time array/);
  });

  it('refuses arrays of different lengths and a time that is not one, naming the column', async () => {
    const hourly = {
      time: ['2024-08-17T00:00', 'noon'],
      temperature_2m: [20, 21],
      precipitation: [0, 0],
      wind_speed_10m: [5, 5],
      weather_code: [3, 3],
    };
    const answer = (h: object) => JSON.stringify({ utc_offset_seconds: 0, hourly: h });
    const short = await runDay('2024-08-17', [
      await fileOf('archive', answer({ ...hourly, precipitation: [0] })),
    ]).catch((e: unknown) => e);
    expect((short as Error).message).toMatch(/column hourly\.precipitation: 1 values for 2 times/);
    const noon = await runDay('2024-08-17', [await fileOf('archive', answer(hourly))]).catch((e: unknown) => e);
    expect(noon).toBeInstanceOf(BadDataError);
    expect((noon as Error).message).toMatch(/column hourly\.time\[1\]: "noon" is not a time/);
  });

  it('refuses a page instead of JSON before it is kept', () => {
    expect(() =>
      cityflowWeatherDataset.checkDownload?.('archive', new TextEncoder().encode('<!DOCTYPE html><p>busy</p>'), 'u'),
    ).toThrow(/other than JSON/);
  });
});

describe('the revision check', () => {
  it('says the archive holds the revision only once it has every hour of the day', async () => {
    const revisions = findCapability(cityflowWeather.capabilities, 'revisions');
    if (!revisions) throw new Error('no revisions');
    const check = async () =>
      revisions.revised({
        date: '2025-01-08',
        config,
        db: scratch.connection,
        file: await fileOf('archive', (await fetchSource(archiveUrl(config, '2025-01-08'), WAIT_DEADLINE_MS)).body),
      });
    meteo.archiveUntil = '2025-01-07';
    expect(await check()).toBe(false);
    meteo.archiveUntil = '2025-01-08';
    expect(await check()).toBe(true);
    expect(revisions.provisional({ status: 'provisional' })).toBe(true);
    expect(revisions.provisional({ status: 'final' })).toBe(false);
  });
});
