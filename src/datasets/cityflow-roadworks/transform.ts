/**
 * The Paris roadworks day: the list as taken on day D (its latest snapshot of the day) →
 * `roadworks.parquet`, one row per work of the list, with `active` = the work's dates hold D
 * (bounds inclusive), and the flagged rows. DuckDB reads the file itself: a BOM, CRLF and bare LF
 * inside quoted fields (multi-line descriptions) keep every record whole. A row without a usable
 * start or end date is kept, never active, and listed in the rejects with its line (as an editor
 * counts it: a record's embedded line breaks move the next ones down), column and reason; nothing
 * is dropped.
 */
import { open } from 'node:fs/promises';
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { copyJsonLines } from '../../duckdb/json-lines.js';
import { BadDataError, NoDataError } from '../../workflow-safe/errors.js';
import type { TransformOutput } from '../contract.js';
import type { DayFile } from '../inputs.js';
import type { DayTransformContext } from '../each-day.js';
import type { RoadworksConfig } from './config.js';
import { columnsOf, namesOf, ROADWORKS_SOURCE, type RoadworksField } from './source.js';

export const ROADWORKS_TABLE = 'roadworks';
/** One row: the snapshot the day was read from (slot, instant taken, file). */
export const SNAPSHOT_TABLE = 'roadworks_snapshot';

/** The header line of a file. */
async function headerOf(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
  } finally {
    await handle.close();
  }
}

/** The day's latest snapshot of the list; a NoDataError when none was taken on the day. */
export function latestSnapshot(date: string, files: readonly DayFile[]): DayFile {
  const taken = (f: DayFile) => f.snapshot?.takenAt.getTime() ?? Number.NEGATIVE_INFINITY;
  const latest = files
    .filter((f) => f.source === ROADWORKS_SOURCE)
    .reduce<DayFile | null>(
      (best, f) =>
        best === null || taken(f) > taken(best) || (taken(f) === taken(best) && f.order > best.order) ? f : best,
      null,
    );
  if (latest === null)
    throw new NoDataError(
      `no snapshot of the roadworks list was taken on ${date}: the list is a current list (finished works ` +
        'disappear, dates are revised), so the works of a day cannot be known after the fact',
    );
  return latest;
}

/**
 * Every record of the file with its fields as text, its position and the line breaks inside it.
 * Columns are declared by position (`c0`…) from the header, every one of them so that the breaks
 * of fields not read still move the lines after them. A list is a few hundred records: its
 * ordinality follows the file.
 */
function recordsSql(file: DayFile, header: string, columns: Record<RoadworksField, number>): string {
  const all = namesOf(header).map((_, i) => `c${i}`);
  const text = (field: RoadworksField) => `nullif(trim(c${columns[field]}), '')`;
  const fields = (Object.keys(columns) as RoadworksField[]).map((field) => `${text(field)} AS ${field}_text`);
  const breaks = all.map((c) => `coalesce(length(${c}) - length(replace(${c}, chr(10), '')), 0)`).join(' + ');
  return `SELECT ordinality AS record, ${breaks} AS breaks, ${fields.join(', ')}
    FROM read_csv(${sqlString(file.path)}, header = false, skip = 1, delim = ';', quote = '"', escape = '"',
      auto_detect = false, strict_mode = false, null_padding = true,
      columns = {${all.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}) WITH ORDINALITY`;
}

const dateOf = (text: string) =>
  `CASE WHEN regexp_full_match(${text}, '\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(${text} AS DATE) END`;

/** Why a row is flagged, first match wins: the condition, the column named, the reason. Flagged rows are kept. */
const FLAGS: ReadonlyArray<readonly [condition: string, column: string, reason: string]> = [
  ['starts_text IS NULL AND ends_text IS NULL', 'date_debut, date_fin', 'no dates: kept, never active'],
  ['starts_text IS NULL', 'date_debut', 'no start date: kept, never active'],
  ['starts IS NULL', 'date_debut', 'the start date is not a date (YYYY-MM-DD): kept, never active'],
  ['ends_text IS NULL', 'date_fin', 'no end date: kept, never active'],
  ['ends IS NULL', 'date_fin', 'the end date is not a date (YYYY-MM-DD): kept, never active'],
  ['ends < starts', 'date_fin', 'the work ends before it starts: kept, never active'],
  [
    'level_text IS NOT NULL AND level IS NULL',
    'niveau_perturbation',
    'the level is not a whole number: kept without it',
  ],
  ['id_text IS NULL', 'identifiant', 'no identifier: kept'],
];
const caseOf = (pick: (flag: (typeof FLAGS)[number]) => string) =>
  `CASE ${FLAGS.map((flag) => `WHEN ${flag[0]} THEN ${sqlString(pick(flag))}`).join(' ')} END`;
const VALUE = `CASE WHEN bad_column = 'date_debut' THEN starts_text WHEN bad_column = 'date_fin' THEN ends_text
  WHEN bad_column = 'niveau_perturbation' THEN level_text END`;

async function count(db: DayTransformContext<unknown>['db'], sql: string): Promise<number> {
  return Number((await db.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/** Runs `work`, turning DuckDB's "CSV Error on Line: N" into a BadDataError naming the file. */
async function readingCsv<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const line = /CSV Error on Line: (\d+)/.exec(text)?.[1];
    if (line === undefined) throw error;
    const problem = /invalid unicode/i.test(text)
      ? 'expected UTF-8 text, found bytes that are not UTF-8 (a Latin-1 file?)'
      : `the export cannot be read: ${text.split('\n', 1)[0] ?? ''}`;
    throw new BadDataError({ file, line: Number(line) }, problem, { cause: error });
  }
}

/** See the module's doc: the day's latest snapshot → roadworks rows, its snapshot, and flagged rows. Idempotent. */
export async function transformRoadworks(context: DayTransformContext<RoadworksConfig>): Promise<TransformOutput> {
  const { db, date } = context;
  const file = latestSnapshot(date, context.files);
  const header = await headerOf(file.path);
  const records = recordsSql(file, header, columnsOf(header, file.key));
  const day = `${sqlString(date)}::DATE`;
  try {
    await readingCsv(file.key, () =>
      db.run(
        `CREATE OR REPLACE TEMP TABLE rw_rows AS
         SELECT *, ${caseOf((flag) => flag[2])} AS reason, ${caseOf((flag) => flag[1])} AS bad_column FROM (
           SELECT *, 2 + coalesce(sum(1 + breaks) OVER (ORDER BY record ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS line,
             ${dateOf('starts_text')} AS starts, ${dateOf('ends_text')} AS ends, TRY_CAST(level_text AS INTEGER) AS level
           FROM (${records}))`,
      ),
    );
    const read = await count(db, 'SELECT count(*) FROM rw_rows');
    const rejected = await count(
      db,
      copyJsonLines(
        `SELECT json_object('file', ${sqlString(file.key)}, 'line', line, 'column', bad_column, 'value', ${VALUE}, 'reason', reason)
         FROM rw_rows WHERE reason IS NOT NULL ORDER BY line`,
        context.rejectsPath,
      ),
    );
    const written = await count(
      db,
      copyToParquetSql(
        `SELECT id_text AS id, arrondissement_text AS arrondissement, typology_text AS typology, owner_text AS owner,
           object_text AS object, description_text AS description, street_text AS street, starts, ends,
           impact_text AS impact, level, status_text AS status,
           coalesce(starts <= ${day} AND ${day} <= ends, false) AS active
         FROM rw_rows ORDER BY id NULLS LAST, line`,
        context.tablePath(ROADWORKS_TABLE),
      ),
    );
    await db.run(
      copyToParquetSql(
        `SELECT ${sqlString(file.key)} AS file, ${file.snapshot ? sqlString(file.snapshot.slot.name) : 'NULL'} AS slot,
           ${file.snapshot ? `${sqlString(file.snapshot.takenAt.toISOString())}::TIMESTAMPTZ` : 'NULL::TIMESTAMPTZ'} AS taken_at`,
        context.tablePath(SNAPSHOT_TABLE),
      ),
    );
    if (written === 0) throw new BadDataError({ file: file.key }, `the roadworks list taken on ${date} is empty`);
    return { tables: [ROADWORKS_TABLE, SNAPSHOT_TABLE], rows: { read, written, rejected } };
  } finally {
    await db.run('DROP TABLE IF EXISTS rw_rows');
  }
}
