/**
 * Each station of each status snapshot, read and judged in SQL: the counters (snake_case, else the
 * feed's camelCase twins), the counts by bike type (`num_bikes_available_types`, an array of
 * one-key objects `[{"mechanical": 3}, {"ebike": 4}]`), the 0/1 flags, `last_reported` in epoch
 * seconds. `reason` says why a station cannot be read (first rule that matches), `bad_column`
 * which field, `bad_value` what it held.
 */
import { sqlString } from '../../duckdb/columns.js';
import { stationsSql, type StationFields } from './documents.js';
import { judgedColumns, type Rule } from './rules.js';

/** Temporary table of the judged status rows. */
export const STATUS_ROWS = 'v_status_rows';

/** Latest plausible `last_reported` (2100-01-01), in epoch seconds: beyond it, not a time. */
const LAST_EPOCH = 4_102_444_800;

/** The fields of a status station read. */
export const STATUS_FIELDS: StationFields = {
  station_id: 'VARCHAR',
  stationCode: 'VARCHAR',
  station_code: 'VARCHAR',
  num_bikes_available: 'VARCHAR',
  numBikesAvailable: 'VARCHAR',
  num_docks_available: 'VARCHAR',
  numDocksAvailable: 'VARCHAR',
  num_bikes_available_types: 'JSON',
  is_installed: 'VARCHAR',
  is_renting: 'VARCHAR',
  is_returning: 'VARCHAR',
  last_reported: 'VARCHAR',
};

const field = (name: string) => `st."${name}"`;
const text = (...names: string[]) => `coalesce(${names.map(field).join(', ')})`;
const typeCounts = (type: string) =>
  `json_extract(${field('num_bikes_available_types')}, ${sqlString(`$[*].${type}`)})`;
/** The text as a whole number when it is written as one (never a rounded 1.5), else null. */
const whole = (text: string) => `CASE WHEN regexp_full_match(${text}, '-?[0-9]{1,18}') THEN (${text})::BIGINT END`;
/** Whether every count of a list of JSON values is written as a non-negative whole number. */
const wholeCounts = (list: string) =>
  `list_bool_and(list_transform(${list}::VARCHAR[], x -> regexp_full_match(x, '[0-9]{1,9}')))`;

/** Why a station is rejected, first match wins: the condition, the field named, its value, the reason. */
const RULES: readonly Rule[] = [
  ['station_id IS NULL', 'station_id', 'id_text', 'the station id is missing or not a whole number'],
  [
    'bikes IS NULL OR bikes < 0',
    'num_bikes_available',
    'bikes_text',
    'the bikes available are missing or not a non-negative whole number',
  ],
  [
    'docks IS NULL OR docks < 0',
    'num_docks_available',
    'docks_text',
    'the docks available are missing or not a non-negative whole number',
  ],
  [
    `NOT coalesce(${wholeCounts('list_concat(mechanical_list, ebike_list)')}, true)`,
    'num_bikes_available_types',
    'types_text',
    'a count by bike type is not a non-negative whole number',
  ],
  ['installed IS NULL', 'is_installed', 'installed_text', 'the flag is not 0 or 1'],
  ['renting IS NULL', 'is_renting', 'renting_text', 'the flag is not 0 or 1'],
  ['"returning" IS NULL', 'is_returning', 'returning_text', 'the flag is not 0 or 1'],
  [
    `last_reported_text IS NOT NULL AND last_reported_epoch IS NULL`,
    'last_reported',
    'last_reported_text',
    'last_reported is not a time in epoch seconds',
  ],
  ['occurrence > 1', 'station_id', 'id_text', 'the station is given twice in the snapshot (the first is kept)'],
];

/** SQL creating {@link STATUS_ROWS} from the snapshots read into `table`. */
export function statusRowsSql(table: string): string {
  return `CREATE OR REPLACE TEMP TABLE ${STATUS_ROWS} AS
WITH fields AS (
  SELECT file, slot_start, slot_end, station,
    ${field('station_id')} AS id_text, ${whole(field('station_id'))} AS station_id,
    ${text('stationCode', 'station_code')} AS station_code,
    ${text('num_bikes_available', 'numBikesAvailable')} AS bikes_text,
    TRY_CAST(${whole(text('num_bikes_available', 'numBikesAvailable'))} AS INTEGER) AS bikes,
    ${text('num_docks_available', 'numDocksAvailable')} AS docks_text,
    TRY_CAST(${whole(text('num_docks_available', 'numDocksAvailable'))} AS INTEGER) AS docks,
    ${field('num_bikes_available_types')}::VARCHAR AS types_text,
    ${typeCounts('mechanical')} AS mechanical_list, ${typeCounts('ebike')} AS ebike_list,
    ${field('is_installed')} AS installed_text, TRY_CAST(${field('is_installed')} AS BOOLEAN) AS installed,
    ${field('is_renting')} AS renting_text, TRY_CAST(${field('is_renting')} AS BOOLEAN) AS renting,
    ${field('is_returning')} AS returning_text, TRY_CAST(${field('is_returning')} AS BOOLEAN) AS "returning",
    ${field('last_reported')} AS last_reported_text,
    CASE WHEN ${whole(field('last_reported'))} BETWEEN 0 AND ${LAST_EPOCH} THEN ${whole(field('last_reported'))} END
      AS last_reported_epoch
  FROM (${stationsSql(table)})
), counted AS (
  SELECT *, TRY_CAST(list_sum(TRY_CAST(mechanical_list AS INTEGER[])) AS INTEGER) AS mechanical,
    TRY_CAST(list_sum(TRY_CAST(ebike_list AS INTEGER[])) AS INTEGER) AS ebike,
    row_number() OVER (PARTITION BY file, station_id ORDER BY station) AS occurrence
  FROM fields
)
SELECT *, ${judgedColumns(RULES)}
FROM counted`;
}
