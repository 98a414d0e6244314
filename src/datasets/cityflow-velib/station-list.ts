/**
 * The day's station list: the latest `station_information` snapshot of the day → `stations`
 * (station_id, station_code, name, lat, lon, capacity). A station whose id, position or capacity
 * cannot be read is a reject of that file, like a status row. A day whose list was not taken has
 * an empty table: its stations are then known by their code only.
 */
import { copyToParquetSql } from '../../duckdb/copy.js';
import { readSnapshots, stationsSql, type SnapshotFile, type StationFields } from './documents.js';
import { judgedColumns, type Rule } from './rules.js';

export const STATIONS_TABLE = 'stations';

/** Temporary tables of the list's snapshot and of its judged rows. */
const LIST_DOCS = 'v_list_docs';
export const LIST_ROWS = 'v_list_rows';

const LIST_FIELDS: StationFields = {
  station_id: 'VARCHAR',
  stationCode: 'VARCHAR',
  station_code: 'VARCHAR',
  name: 'VARCHAR',
  lat: 'VARCHAR',
  lon: 'VARCHAR',
  capacity: 'VARCHAR',
};

const RULES: readonly Rule[] = [
  ['station_id IS NULL', 'station_id', 'id_text', 'the station id is missing or not a whole number'],
  ['lat IS NULL OR lat NOT BETWEEN -90 AND 90', 'lat', 'lat_text', 'the latitude is not a number of degrees'],
  ['lon IS NULL OR lon NOT BETWEEN -180 AND 180', 'lon', 'lon_text', 'the longitude is not a number of degrees'],
  [
    'capacity_text IS NOT NULL AND capacity IS NULL',
    'capacity',
    'capacity_text',
    'the capacity is not a non-negative whole number',
  ],
  ['occurrence > 1', 'station_id', 'id_text', 'the station is listed twice (the first is kept)'],
];

const EMPTY = `SELECT NULL::BIGINT AS station_id, NULL::VARCHAR AS station_code, NULL::VARCHAR AS name,
  NULL::DOUBLE AS lat, NULL::DOUBLE AS lon, NULL::INTEGER AS capacity WHERE false`;

type Db = Parameters<typeof readSnapshots>[0];

/** The latest snapshot of the list: the last taken (the last to arrive on a tie). */
export function latestList(files: readonly SnapshotFile[]): SnapshotFile | undefined {
  return [...files].sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime() || a.file.order - b.file.order).at(-1);
}

/**
 * Reads the list (when taken) into {@link LIST_ROWS} with `reason`, `bad_column`, `bad_value`, and
 * writes the `stations` table at `target`.
 */
export async function writeStationList(db: Db, list: SnapshotFile | undefined, target: string): Promise<void> {
  if (list === undefined) {
    await db.run(`CREATE OR REPLACE TEMP TABLE ${LIST_ROWS} AS SELECT NULL::VARCHAR AS file, NULL::BIGINT AS station,
      NULL::VARCHAR AS reason, NULL::VARCHAR AS bad_column, NULL::VARCHAR AS bad_value WHERE false`);
    await db.run(copyToParquetSql(EMPTY, target));
    return;
  }
  await readSnapshots(db, LIST_DOCS, [list], LIST_FIELDS);
  await db.run(`CREATE OR REPLACE TEMP TABLE ${LIST_ROWS} AS
    WITH fields AS (
      SELECT file, station, st.station_id AS id_text,
        CASE WHEN regexp_full_match(st.station_id, '[0-9]{1,18}') THEN st.station_id::BIGINT END AS station_id,
        coalesce(st."stationCode", st.station_code) AS station_code, st.name AS name,
        st.lat AS lat_text, TRY_CAST(st.lat AS DOUBLE) AS lat, st.lon AS lon_text, TRY_CAST(st.lon AS DOUBLE) AS lon,
        st.capacity AS capacity_text,
        CASE WHEN regexp_full_match(st.capacity, '[0-9]{1,9}') THEN st.capacity::INTEGER END AS capacity
      FROM (${stationsSql(LIST_DOCS)})
    ), counted AS (
      SELECT *, row_number() OVER (PARTITION BY station_id ORDER BY station) AS occurrence FROM fields
    )
    SELECT *, ${judgedColumns(RULES)}
    FROM counted`);
  await db.run(`DROP TABLE IF EXISTS ${LIST_DOCS}`);
  await db.run(
    copyToParquetSql(
      `SELECT station_id, station_code, name, lat, lon, capacity FROM ${LIST_ROWS} WHERE reason IS NULL ORDER BY station_id`,
      target,
    ),
  );
}
