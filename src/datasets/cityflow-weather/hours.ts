/**
 * Reading Open-Meteo answers with DuckDB: each file's arrays under `hourly`, zipped by index, into
 * the temporary table `w_hours` (source, UTC instant, temperature °C, precipitation mm of the hour
 * ending at the instant, wind km/h, WMO weather code). An answer that is not Open-Meteo's — its
 * error body `{"error":true,"reason":…}`, no `hourly` arrays, arrays of different lengths, a time
 * that is not one — fails as BadData naming the file and what is wrong.
 */
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { DayFile } from '../inputs.js';
import type { DayTransformContext } from '../each-day.js';
import { WEATHER_VARIABLES } from './source.js';

type Db = DayTransformContext<unknown>['db'];

/** The columns of `w_hours` each variable becomes, and its JSON type. */
const COLUMNS: Record<(typeof WEATHER_VARIABLES)[number], readonly [column: string, type: string]> = {
  temperature_2m: ['temperature_c', 'DOUBLE'],
  precipitation: ['precipitation_mm', 'DOUBLE'],
  wind_speed_10m: ['wind_speed_kmh', 'DOUBLE'],
  weather_code: ['weather_code', 'INTEGER'],
};

const documentSql = (file: DayFile) =>
  `SELECT json AS doc FROM read_json_objects(${sqlString(file.path)}, format = 'auto')`;

const count = z
  .union([z.number(), z.bigint(), z.string()])
  .nullable()
  .transform((v) => (v === null ? null : Number(v)));

/** What is read of an answer before its rows: an error, the UTC offset, the hourly arrays' lengths (null: absent). */
const factsSchema = z.object({
  error: z.string().nullable(),
  reason: z.string().nullable(),
  offset_seconds: count,
  time: count,
  temperature_2m: count,
  precipitation: count,
  wind_speed_10m: count,
  weather_code: count,
});

/** The answer's facts needed before its rows are read; BadDataError naming what is wrong. */
async function factsOf(db: Db, file: DayFile): Promise<{ offsetSeconds: number; times: number }> {
  const lengths = ['time', ...WEATHER_VARIABLES]
    .map((name) => `json_array_length(doc->${sqlString(`$.hourly.${name}`)}) AS ${name}`)
    .join(', ');
  let row: unknown;
  try {
    row = (
      await db.runAndReadAll(
        `SELECT doc->>'$.error' AS error, doc->>'$.reason' AS reason,
           TRY_CAST(doc->>'$.utc_offset_seconds' AS INTEGER) AS offset_seconds, ${lengths}
         FROM (${documentSql(file)})`,
      )
    ).getRowObjects()[0];
  } catch (error) {
    throw new BadDataError({ file: file.key }, 'the answer is not JSON (not an Open-Meteo answer)', { cause: error });
  }
  if (row === undefined) throw new BadDataError({ file: file.key }, 'the answer is empty');
  const facts = factsSchema.parse(row);
  if (facts.error === 'true')
    throw new BadDataError({ file: file.key }, `Open-Meteo refused the request: ${facts.reason ?? 'no reason given'}`);
  if (facts.time === null)
    throw new BadDataError({ file: file.key, column: 'hourly.time' }, 'the answer has no hourly time array');
  for (const name of WEATHER_VARIABLES) {
    const length = facts[name];
    if (length === null)
      throw new BadDataError({ file: file.key, column: `hourly.${name}` }, `the answer has no hourly ${name} array`);
    if (length !== facts.time)
      throw new BadDataError({ file: file.key, column: `hourly.${name}` }, `${length} values for ${facts.time} times`);
  }
  if (facts.offset_seconds === null)
    throw new BadDataError({ file: file.key, column: 'utc_offset_seconds' }, 'the answer has no UTC offset');
  return { offsetSeconds: facts.offset_seconds, times: facts.time };
}

/** One file's hours, zipped by index; `at` is null where the time is not one. */
function hoursSql(file: DayFile, offsetSeconds: number): string {
  const arrays = WEATHER_VARIABLES.map((name) => {
    const [column, type] = COLUMNS[name];
    return `unnest(from_json(doc->${sqlString(`$.hourly.${name}`)}, '["${type}"]')) AS ${column}`;
  }).join(', ');
  return `SELECT ${sqlString(file.source)} AS source, position, time_text,
      timezone('UTC', TRY_CAST(time_text AS TIMESTAMP) - to_seconds(${offsetSeconds})) AS instant,
      temperature_c, precipitation_mm, wind_speed_kmh, weather_code
    FROM (SELECT unnest(range(json_array_length(doc->'$.hourly.time')::BIGINT)) AS position,
            unnest(from_json(doc->'$.hourly.time', '["VARCHAR"]')) AS time_text, ${arrays}
          FROM (${documentSql(file)}))`;
}

/** Reads every file into `w_hours`; returns the hours read. Throws BadDataError naming the file. */
export async function readWeatherHours(db: Db, files: readonly DayFile[]): Promise<number> {
  const scans: string[] = [];
  let read = 0;
  for (const file of files) {
    const { offsetSeconds, times } = await factsOf(db, file);
    scans.push(hoursSql(file, offsetSeconds));
    read += times;
  }
  if (scans.length === 0) throw new BadDataError({ file: '(none)' }, 'no Open-Meteo answer to read');
  await db.run(`CREATE OR REPLACE TEMP TABLE w_hours AS ${scans.join(' UNION ALL ')}`);
  const bad = (
    await db.runAndReadAll(
      `SELECT source, position, time_text FROM w_hours WHERE instant IS NULL ORDER BY source, position LIMIT 1`,
    )
  ).getRowObjects()[0];
  if (bad !== undefined) {
    const file = files.find((f) => f.source === bad.source)?.key ?? String(bad.source);
    throw new BadDataError(
      { file, column: `hourly.time[${Number(bad.position)}]` },
      `${JSON.stringify(bad.time_text)} is not a time`,
    );
  }
  return read;
}
