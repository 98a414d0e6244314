/**
 * The index values of flow files (CSV lines written by `flow-xml.ts`) as SQL rows, converted and
 * judged by DuckDB:
 *
 * - `index_kwh`: the value in the unit the file states, Wh floored to whole kWh (the floor per
 *   index keeps a period's error under 1 kWh), kWh floored the same way; read as DECIMAL(18, 3),
 *   exact up to 15 whole digits (10^15 Wh, beyond any meter) and fast to cast (a wider decimal is
 *   much slower to read);
 * - `reading_at`: R151's plain date D is the index at the end of D, D+1 00:00 Paris; a C15 or R15
 *   timestamp within `SNAP_MINUTES` after a Paris midnight stands for that midnight;
 * - `period_start`: an R15 energy's `Date_Releve_Precedent`, snapped the same way (its period ends
 *   at `reading_at`);
 * - an R15 previous reading (`Valeur_Precedent`) is a reading at its `Date_Releve_Precedent`,
 *   snapped the same way, with `qualification` `previous`; it is rejected, naming
 *   `Date_Releve_Precedent`, when that date is missing, is not a date, or is not before the
 *   `Date_Releve` it precedes;
 * - `day`: the Paris day whose end the reading closes (the day before its instant's midnight);
 * - `reason` (with `bad_column`, `bad_value`): why a value is rejected — a PRM that is not 14
 *   digits, a value that is not a number, an unknown unit, a date that is not one or does not exist
 *   (2024-02-30), a previous reading without a date before its reading; `skipped`: a C15 or R15
 *   value that is not a consumed-energy index (`Classe_Mesure` ≠ 1 or `Sens_Mesure` ≠ 0), not a
 *   reading; `stated`: an R15 energy of consumption stated for its period (`Classe_Mesure` 2,
 *   `Sens_Mesure` 0), with `energy_kwh` in kWh, unfloored;
 * - `is_event`: a C15 contract event (`record` `event`), at `reading_at` its `Date_Evenement`
 *   snapped the same way (a plain date D: D 00:00 Paris), with the situation after it (`contract`,
 *   `state`, `fta`, `power` as text, `segment`, `calendar`, `readings`); rejected only when its
 *   PRM is not 14 digits or its date is not a date: the rest is judged where it is used (billing).
 */
import { sqlString } from '../../duckdb/columns.js';
import { PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import { VALUE_COLUMNS } from './flow-values.js';

/** A timestamp this many minutes after a Paris midnight is that midnight's index. */
export const SNAP_MINUTES = 10;

export interface FlowValuesFile {
  /** The CSV lines of the file's values. */
  readonly path: string;
  /** The raw file's storage key: what rows and rejects name. */
  readonly file: string;
  /** Order of arrival among the day's files: a later file wins for the same reading. */
  readonly arrival: number;
}

/** The CSV's columns (`VALUE_COLUMNS`), all text but the line. */
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(['line', 'readings']);
const COLUMNS = `{${VALUE_COLUMNS.map((name) => `${name}: '${INTEGER_COLUMNS.has(name) ? 'INTEGER' : 'VARCHAR'}'`).join(', ')}}`;

/** Reads a values file: no header, quoted text (`""` the empty text), an empty field null. */
const readValues = (file: string) =>
  `read_csv(${sqlString(file)}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
    allow_quoted_nulls = false, columns = ${COLUMNS})`;

/** `instant` as the Paris midnight it stands for when it falls within `SNAP_MINUTES` after one. */
function snapped(instant: string, zone: string): string {
  return `CASE WHEN timezone(${zone}, ${instant}) - date_trunc('day', timezone(${zone}, ${instant})) < INTERVAL ${SNAP_MINUTES} MINUTE
         THEN timezone(${zone}, date_trunc('day', timezone(${zone}, ${instant}))) ELSE ${instant} END`;
}

/** SQL giving every value of the files with its conversion, its rejection reason or its skip. */
export function flowRowsSql(files: readonly FlowValuesFile[]): string {
  const zone = sqlString(PARTITION_TIMEZONE);
  // A plain date's instant is a Paris midnight: snapping would keep it, and its day is the date
  // itself. Both are taken as they are, sparing an R151 value the time zone conversions.
  const raw = files
    .map(
      (f) =>
        `SELECT *, ${sqlString(f.file)} AS file, ${f.arrival} AS arrival
         FROM ${readValues(f.path)}`,
    )
    .join(' UNION ALL ');
  return `
WITH raw AS (${raw}),
parsed AS (
  SELECT *,
    TRY_CAST(value AS DECIMAL(18, 3)) AS amount,
    record IS NOT DISTINCT FROM 'event' AS is_event,
    regexp_full_match(coalesce(date, ''), '\\d{4}-\\d{2}-\\d{2}') AS plain_date,
    CASE WHEN plain_date AND is_event
         THEN timezone(${zone}, TRY_CAST(date AS DATE)::TIMESTAMP)
         WHEN plain_date
         THEN timezone(${zone}, (TRY_CAST(date AS DATE) + 1)::TIMESTAMP)
         ELSE TRY_CAST(date AS TIMESTAMPTZ) END AS instant,
    TRY_CAST(period_start AS TIMESTAMPTZ) AS start_instant,
    previous IS NOT NULL AS is_previous,
    flow = 'R15' AND NOT is_previous AND measure_class IS NOT DISTINCT FROM '2' AND direction IS NOT DISTINCT FROM '0' AS stated
  FROM raw),
snapped AS (
  SELECT * EXCLUDE (period_start), period_start AS raw_period_start,
    CASE WHEN plain_date THEN instant ELSE ${snapped('instant', zone)} END AS reading_instant,
    CASE WHEN start_instant IS NOT NULL THEN ${snapped('start_instant', zone)} END AS start_at
  FROM parsed),
placed AS (
  SELECT * EXCLUDE (start_at), start_at AS period_start,
    CASE WHEN is_previous THEN start_at ELSE reading_instant END AS reading_at,
    CASE
      WHEN NOT is_previous THEN NULL
      WHEN coalesce(raw_period_start, '') = '' THEN 'the previous reading has no date'
      WHEN start_at IS NULL THEN 'the previous reading''s date is not a date'
      WHEN reading_instant IS NOT NULL AND start_at >= reading_instant THEN 'the previous reading is not dated before its reading'
    END AS previous_problem
  FROM snapped)
SELECT file, arrival, line, prm, flow, class_kind, class, calendar, event, reading_at, period_start, stated,
  is_event, contract, state, fta, power, segment, readings,
  CASE WHEN plain_date AND NOT is_event THEN TRY_CAST(date AS DATE) ELSE (timezone(${zone}, reading_at) - INTERVAL 1 MICROSECOND)::DATE END AS day,
  CASE unit WHEN 'Wh' THEN floor(amount / 1000) WHEN 'kWh' THEN floor(amount) END::BIGINT AS index_kwh,
  CASE unit WHEN 'Wh' THEN amount / 1000 WHEN 'kWh' THEN amount END::DOUBLE AS energy_kwh,
  CASE nature WHEN 'REEL' THEN 'real' WHEN 'ESTIME' THEN 'estimated' ELSE lower(nature) END AS nature,
  CASE WHEN is_previous THEN 'previous' WHEN qualification = '1' THEN 'before' WHEN qualification = '2' THEN 'after' END AS qualification,
  class = 'INCONNU' OR calendar = 'DN999999' AS flagged,
  NOT is_event AND flow IN ('C15', 'R15') AND (coalesce(measure_class, '') <> '1' OR coalesce(direction, '') <> '0') AS skipped,
  CASE
    WHEN NOT regexp_full_match(coalesce(prm, ''), '\\d{14}') THEN 'the PRM is not 14 digits'
    WHEN is_event AND instant IS NULL THEN 'the event date is not a date'
    WHEN is_event THEN NULL
    WHEN class IS NULL OR class = '' THEN 'the value has no class'
    WHEN amount IS NULL THEN CASE WHEN stated THEN 'the energy is not a number' ELSE 'the index is not a number' END
    WHEN amount < 0 THEN CASE WHEN stated THEN 'the energy is negative' ELSE 'the index is negative' END
    WHEN unit IS NULL OR unit NOT IN ('Wh', 'kWh') THEN 'the unit is not Wh or kWh'
    WHEN instant IS NULL THEN CASE WHEN plain_date THEN 'the reading date does not exist' ELSE 'the reading date is not a date' END
    WHEN stated AND (period_start IS NULL OR period_start >= reading_at) THEN 'the period start is not a date before the reading'
    WHEN previous_problem IS NOT NULL THEN previous_problem
  END AS reason,
  CASE
    WHEN NOT regexp_full_match(coalesce(prm, ''), '\\d{14}') THEN 'Id_PRM'
    WHEN is_event AND instant IS NULL THEN 'Date_Evenement'
    WHEN is_event THEN NULL
    WHEN class IS NULL OR class = '' THEN 'Id_Classe_Temporelle'
    WHEN amount IS NULL OR amount < 0 THEN CASE WHEN is_previous THEN 'Valeur_Precedent' ELSE 'Valeur' END
    WHEN unit IS NULL OR unit NOT IN ('Wh', 'kWh') THEN 'Unite_Mesure'
    WHEN instant IS NULL THEN 'Date_Releve'
    WHEN stated AND (period_start IS NULL OR period_start >= reading_at) THEN 'Date_Releve_Precedent'
    WHEN previous_problem IS NOT NULL THEN 'Date_Releve_Precedent'
  END AS bad_column,
  CASE bad_column WHEN 'Id_PRM' THEN prm WHEN 'Valeur' THEN value WHEN 'Valeur_Precedent' THEN value WHEN 'Unite_Mesure' THEN unit
    WHEN 'Date_Releve' THEN date WHEN 'Date_Evenement' THEN date WHEN 'Date_Releve_Precedent' THEN raw_period_start END AS bad_value
FROM placed`;
}
