/**
 * Reading the day's GBFS snapshots with DuckDB: every file of a source at once into a temporary
 * table, one row per file with its `data.stations` array, joined to the slot it was taken in. Each
 * station is parsed once into a struct of the fields read, every one as its text (a number, a
 * string, even an object: judged later, so that a bad value rejects its station, not the file).
 * A file that is not JSON, whose stations are not objects, or that has no `data.stations` array,
 * fails as BadData naming it.
 */
import { sqlString } from '../../duckdb/columns.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { DayFile } from '../inputs.js';
import type { DayTransformContext } from '../each-day.js';

type Db = DayTransformContext<unknown>['db'];

/** A snapshot file with the slot it was taken in. */
export interface SnapshotFile {
  readonly file: DayFile;
  readonly slot: NonNullable<DayFile['snapshot']>['slot'];
  readonly takenAt: Date;
}

/** The fields of a station read, by name: `VARCHAR` (the value's text) or `JSON`. */
export type StationFields = Readonly<Record<string, 'VARCHAR' | 'JSON'>>;

function readSql(paths: readonly string[], fields: StationFields): string {
  const station = Object.entries(fields)
    .map(([name, type]) => `"${name}" ${type}`)
    .join(', ');
  return `read_json([${paths.map(sqlString).join(', ')}], filename = true,
    columns = {data: ${sqlString(`STRUCT(stations STRUCT(${station})[])`)}})`;
}

/** Finds the file DuckDB could not read, to name it; rethrows when each file reads alone. */
async function blame(db: Db, files: readonly SnapshotFile[], fields: StationFields, error: unknown): Promise<never> {
  for (const { file } of files) {
    try {
      await db.run(`SELECT count(*) FROM ${readSql([file.path], fields)}`);
    } catch (cause) {
      const problem = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
      throw new BadDataError({ file: file.key }, `not a GBFS answer: ${problem}`, { cause });
    }
  }
  throw error;
}

/**
 * Reads `files` into temporary table `table`: `file` (storage key), `slot_name`, `slot_start`,
 * `slot_end`, `taken_at`, `stations` (the structs of `fields`). Throws BadDataError naming a file
 * it cannot read.
 */
export async function readSnapshots(
  db: Db,
  table: string,
  files: readonly SnapshotFile[],
  fields: StationFields,
): Promise<void> {
  const rows = files.map(
    ({ file, slot, takenAt }) =>
      `(${[file.path, file.key, slot.name, slot.start.toISOString(), slot.end.toISOString(), takenAt.toISOString()]
        .map(sqlString)
        .join(', ')})`,
  );
  try {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS
       SELECT f.file, f.slot_name, f.slot_start::TIMESTAMPTZ AS slot_start, f.slot_end::TIMESTAMPTZ AS slot_end,
         f.taken_at::TIMESTAMPTZ AS taken_at, d.data.stations AS stations
       FROM ${readSql(
         files.map((f) => f.file.path),
         fields,
       )} d
       JOIN (VALUES ${rows.join(', ')}) f(path, file, slot_name, slot_start, slot_end, taken_at) ON d.filename = f.path`,
    );
  } catch (error) {
    await blame(db, files, fields, error);
  }
  const empty = (
    await db.runAndReadAll(`SELECT file FROM ${table} WHERE stations IS NULL ORDER BY file LIMIT 1`)
  ).getRowObjects()[0];
  if (empty !== undefined)
    throw new BadDataError(
      { file: String(empty.file), column: 'data.stations' },
      'the answer has no data.stations array',
    );
}

/** Every station of table `table` (from {@link readSnapshots}) as `st`, with its 1-based position in the array as `station`. */
export function stationsSql(table: string): string {
  return `SELECT file, slot_name, slot_start, slot_end, taken_at,
      unnest(stations) AS st, generate_subscripts(stations, 1) AS station
    FROM ${table}`;
}
