/**
 * A loopback stand-in for Open-Meteo's archive (`/v1/archive`, `start_date`..`end_date`) and
 * forecast (`/v1/forecast`, `past_days` + `forecast_days`) APIs, answering in the real answers'
 * shape (`src/datasets/cityflow-weather/demo/samples/openmeteo_paris_forecast_hourly_2024-08-17.json`): the same top-level
 * fields, units and columnar `hourly` arrays. Each GMT hour takes the real sample's values of the
 * same hour of the day; the forecast's temperatures are the sample's plus `forecastShiftC` and its
 * precipitation the sample's times `forecastRainFactor`, so a test can tell which API answered.
 * Like the real archive, hours after the last day it has are null. Errors are the real error body
 * `{"reason":…,"error":true}` with HTTP 400.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { DEMO_SAMPLES } from './samples.js';

export const OPEN_METEO_SAMPLE = DEMO_SAMPLES.weatherHourly;

const sampleSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  elevation: z.number(),
  hourly_units: z.record(z.string(), z.string()),
  hourly: z.object({
    time: z.array(z.string()).length(24),
    temperature_2m: z.array(z.number()).length(24),
    precipitation: z.array(z.number()).length(24),
    weather_code: z.array(z.number()).length(24),
    wind_speed_10m: z.array(z.number()).length(24),
  }),
});
type Sample = z.infer<typeof sampleSchema>;
type Variable = Exclude<keyof Sample['hourly'], 'time'>;
const VARIABLES = new Set<string>(['temperature_2m', 'precipitation', 'weather_code', 'wind_speed_10m']);

export interface OpenMeteoRequest {
  readonly api: 'archive' | 'forecast';
  readonly params: Readonly<Record<string, string>>;
}

export interface OpenMeteoServer {
  /** `http://127.0.0.1:{port}`; the APIs are `{baseUrl}/v1/archive` and `{baseUrl}/v1/forecast`. */
  readonly baseUrl: string;
  readonly requests: OpenMeteoRequest[];
  /** The last GMT date the archive has (later hours are null). */
  archiveUntil: string;
  /** The forecast API's today (GMT): `past_days` count back from it. */
  today: string;
  forecastShiftC: number;
  forecastRainFactor: number;
  /** When set, the archive refuses every request with this reason (HTTP 400), as Open-Meteo does. */
  archiveRefusal: string | null;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const isDate = (v: string | undefined): v is string => v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v);
const at = (date: string) => Date.parse(`${date}T00:00:00Z`);
const round1 = (v: number) => Math.round(v * 10) / 10;

function refuse(response: ServerResponse, reason: string): void {
  response.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ reason, error: true }));
}

/** The answer for the GMT hours [from, to), or the reason the real API would refuse the request. */
function answer(
  sample: Sample,
  params: URLSearchParams,
  from: number,
  to: number,
  value: (variable: Variable, hour: number, instant: number) => number | null,
): object | string {
  const asked = (params.get('hourly') ?? '').split(',').filter(Boolean);
  const unknown = asked.find((v) => !VARIABLES.has(v));
  if (unknown !== undefined)
    return `Cannot initialize WeatherVariable from invalid String value ${unknown} for key hourly`;
  if ((params.get('timezone') ?? 'GMT') !== 'GMT') return 'the stand-in answers GMT only';
  const hourly: Record<string, unknown[]> = { time: [] };
  for (const name of asked) hourly[name] = [];
  for (let instant = from; instant < to; instant += 3_600_000) {
    hourly.time?.push(new Date(instant).toISOString().slice(0, 16));
    const hour = new Date(instant).getUTCHours();
    for (const name of asked) hourly[name]?.push(value(name as Variable, hour, instant));
  }
  return {
    latitude: sample.latitude,
    longitude: sample.longitude,
    generationtime_ms: 0.1,
    utc_offset_seconds: 0,
    timezone: 'GMT',
    timezone_abbreviation: 'GMT',
    elevation: sample.elevation,
    hourly_units: Object.fromEntries(['time', ...asked].map((n) => [n, sample.hourly_units[n] ?? ''])),
    hourly,
  };
}

/** Starts the stand-in on loopback; the archive has every day up to `archiveUntil`. */
export async function startOpenMeteoServer(options: {
  readonly archiveUntil: string;
  readonly today: string;
}): Promise<OpenMeteoServer> {
  const sample = sampleSchema.parse(JSON.parse(await readFile(OPEN_METEO_SAMPLE, 'utf8')));
  const requests: OpenMeteoRequest[] = [];
  const state = {
    archiveUntil: options.archiveUntil,
    today: options.today,
    forecastShiftC: 1.5,
    forecastRainFactor: 0.5,
    archiveRefusal: null as string | null,
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const params = url.searchParams;
    const api = url.pathname === '/v1/archive' ? 'archive' : url.pathname === '/v1/forecast' ? 'forecast' : null;
    if (api === null) {
      response.writeHead(404).end();
      return;
    }
    requests.push({ api, params: Object.fromEntries(params) });
    const real = (variable: Variable, hour: number) => sample.hourly[variable][hour] ?? null;
    let body: object | string;
    if (api === 'archive') {
      const start = params.get('start_date') ?? undefined;
      const end = params.get('end_date') ?? undefined;
      if (state.archiveRefusal !== null) body = state.archiveRefusal;
      else if (!isDate(start) || !isDate(end)) body = "Parameter 'start_date' and 'end_date' are required";
      else if (start > end) body = 'End-date must be larger or equal than start-date';
      else {
        const until = at(state.archiveUntil) + DAY_MS;
        body = answer(sample, params, at(start), at(end) + DAY_MS, (variable, hour, instant) =>
          instant < until ? real(variable, hour) : null,
        );
      }
    } else {
      const pastDays = Number(params.get('past_days') ?? '0');
      const forecastDays = Number(params.get('forecast_days') ?? '7');
      if (!Number.isInteger(pastDays) || pastDays < 0 || pastDays > 92)
        body = `Parameter 'past_days' must be between 0 and 92`;
      else if (params.has('start_date'))
        body = "Parameter 'past_days' is mutually exclusive with 'start_date' and 'end_date'";
      else
        body = answer(
          sample,
          params,
          at(state.today) - pastDays * DAY_MS,
          at(state.today) + forecastDays * DAY_MS,
          (variable, hour) => {
            const value = real(variable, hour);
            if (value === null) return null;
            if (variable === 'temperature_2m') return round1(value + state.forecastShiftC);
            if (variable === 'precipitation') return round1(value * state.forecastRainFactor);
            return value;
          },
        );
    }
    if (typeof body === 'string') refuse(response, body);
    else {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    }
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  });
}
