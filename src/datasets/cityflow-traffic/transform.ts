/**
 * The Paris traffic day: the day's export → `traffic.parquet`, one row per (arc, hour) whose hour
 * ends in (D 00:00, D+1 00:00] Paris, with the hour's START instant, vehicles per hour (`q`),
 * occupancy % (`k`) and traffic state; and the rejected rows. DuckDB reads the file itself;
 * columns are found by name, machine names or the portal's labels. Rows are unsorted in the
 * source; an (arc, hour) given twice keeps its last line. A `q` or `k` left empty is missing (about
 * half of the network's `q` are), not a reject. A day without a counted hour is NoData or BadData
 * by the live dataset's range, the day's other input (`live-range.ts`).
 */
import { open, readFile } from 'node:fs/promises';
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { copyJsonLines } from '../../duckdb/json-lines.js';
import { BadDataError } from '../../workflow-safe/errors.js';
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { TransformOutput } from '../contract.js';
import type { DayFile } from '../inputs.js';
import type { DayTransformContext } from '../each-day.js';
import type { TrafficConfig } from './config.js';
import { noCountedHour, parseLiveRange, RANGE_SOURCE } from './live-range.js';
import { TRAFFIC_FIELDS, TRAFFIC_SOURCE, type TrafficField } from './source.js';

export const TRAFFIC_TABLE = 'traffic';

/** The header line of a file, without BOM. */
async function headerOf(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    return (
      buffer
        .subarray(0, bytesRead)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/, 1)[0] ?? ''
    );
  } finally {
    await handle.close();
  }
}

/** The names of a header line's columns. */
function namesOf(header: string): string[] {
  return header.split(';').map((name) => name.trim().replace(/^"|"$/g, ''));
}

/** The file's column of each field; a BadDataError naming line 1 and the missing fields otherwise. */
export function columnsOf(header: string, file: string): Record<TrafficField, string> {
  const names = namesOf(header);
  const found = Object.entries(TRAFFIC_FIELDS).map(([field, spellings]) => [
    field,
    spellings.find((s) => names.includes(s)),
  ]);
  const missing = found.filter(([, name]) => name === undefined).map(([field]) => field);
  if (missing.length > 0)
    throw new BadDataError(
      { file, line: 1, column: missing.join(', ') },
      `the header lacks the traffic fields ${missing.join(', ')} (expected ${Object.values(TRAFFIC_FIELDS)
        .map(([api]) => api)
        .join(', ')}, or the portal's labels)`,
    );
  return Object.fromEntries(found) as Record<TrafficField, string>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every data row of one file as trimmed texts (empty: null), with its line. */
function rowsSql(file: DayFile, header: string, columns: Record<TrafficField, string>): string {
  const c = (field: TrafficField) => `nullif(trim(${ident(columns[field])}), '')`;
  const declared = namesOf(header)
    .map((name, i) => `${sqlString(name === '' ? `column${i}` : name)}: 'VARCHAR'`)
    .join(', ');
  return `
SELECT ${sqlString(file.key)} AS file, ${file.order} AS arrival, ordinality + 1 AS line,
  ${c('arc')} AS arc_id, ${c('label')} AS label, ${c('hourEnd')} AS hour_end_text,
  ${c('flow')} AS q_text, ${c('occupancy')} AS k_text, coalesce(${c('state')}, 'Inconnu') AS state
FROM read_csv(${sqlString(file.path)}, header = false, skip = 1, delim = ';', quote = '"',
  auto_detect = false, strict_mode = false, null_padding = true, columns = {${declared}}) WITH ORDINALITY`;
}

/** Why a row is rejected, first match wins: the condition, the column named, the reason. */
const REJECTS: ReadonlyArray<readonly [condition: string, column: string, reason: string]> = [
  ["arc_id IS NULL OR NOT regexp_full_match(arc_id, '[0-9]{1,9}')", 'iu_ac', 'the arc id is not a number'],
  ['hour_end IS NULL', 't_1h', 'the hour is not a date with its offset'],
  ['q_text IS NOT NULL AND (q IS NULL OR q < 0)', 'q', 'the flow is not a non-negative number'],
  ['k_text IS NOT NULL AND (k IS NULL OR k < 0 OR k > 100)', 'k', 'the occupancy is not a percentage'],
];
/** The rows converted and judged once: the first rule broken gives `reason` and `bad_column` (null: kept). */
function judgedSql(scans: readonly string[]): string {
  const list = (pick: (rule: (typeof REJECTS)[number]) => string) =>
    `[${REJECTS.map((r) => sqlString(pick(r))).join(', ')}]`;
  const rule = `CASE ${REJECTS.map((r, i) => `WHEN ${r[0]} THEN ${i + 1}`).join(' ')} END`;
  return `SELECT * EXCLUDE (rule), ${list((r) => r[2])}[rule] AS reason, ${list((r) => r[1])}[rule] AS bad_column
FROM (SELECT *, ${rule} AS rule FROM (
  SELECT *, TRY_CAST(hour_end_text AS TIMESTAMPTZ) AS hour_end, TRY_CAST(q_text AS DOUBLE) AS q, TRY_CAST(k_text AS DOUBLE) AS k
  FROM (${scans.join(' UNION ALL ')})))`;
}

async function count(context: DayTransformContext<TrafficConfig>, sql: string): Promise<number> {
  return Number((await context.db.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/**
 * Fails a day without a counted hour: NoData when the live dataset's range (when the day has it)
 * does not hold the day, BadData otherwise.
 */
async function failWithoutHours(
  context: DayTransformContext<TrafficConfig>,
  exports: readonly DayFile[],
  counts: string,
): Promise<never> {
  const file = exports.map((f) => f.key).join(', ');
  const range = context.files.find((f) => f.source === RANGE_SOURCE);
  if (range === undefined) throw new BadDataError({ file }, `no counted hour of ${context.date} (${counts})`);
  throw noCountedHour(context.date, parseLiveRange(await readFile(range.path), range.key), file, counts);
}

/** See the module's doc: the day's export → traffic rows and rejects. Idempotent. */
export async function transformTraffic(context: DayTransformContext<TrafficConfig>): Promise<TransformOutput> {
  const { db, date } = context;
  const exports = context.files.filter((file) => file.source === TRAFFIC_SOURCE);
  const scans = await Promise.all(
    exports.map(async (file) => {
      const header = await headerOf(file.path);
      return rowsSql(file, header, columnsOf(header, file.key));
    }),
  );
  const { start, end } = parisDayBounds(date);
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE cf_rows AS ${judgedSql(scans)}`);
    const read = await count(context, 'SELECT count(*) FROM cf_rows');
    const rejected = await count(
      context,
      copyJsonLines(
        `SELECT json_object('file', file, 'line', line, 'column', bad_column, 'value',
           CASE bad_column WHEN 'iu_ac' THEN arc_id WHEN 't_1h' THEN hour_end_text WHEN 'q' THEN q_text ELSE k_text END,
           'reason', reason)
         FROM cf_rows WHERE reason IS NOT NULL ORDER BY arrival, line`,
        context.rejectsPath,
      ),
    );
    const written = await count(
      context,
      copyToParquetSql(
        `SELECT arc_id, label, hour_end - INTERVAL 1 HOUR AS hour_start, q, k, state FROM cf_rows
         WHERE reason IS NULL AND hour_end > ${sqlString(start.toISOString())}::TIMESTAMPTZ
           AND hour_end <= ${sqlString(end.toISOString())}::TIMESTAMPTZ
         QUALIFY row_number() OVER (PARTITION BY arc_id, hour_end ORDER BY arrival DESC, line DESC) = 1
         ORDER BY arc_id::BIGINT, hour_start`,
        context.tablePath(TRAFFIC_TABLE),
      ),
    );
    if (written === 0) await failWithoutHours(context, exports, `${read} row(s) read, ${rejected} rejected`);
    return { tables: [TRAFFIC_TABLE], rows: { read, written, rejected } };
  } finally {
    await db.run('DROP TABLE IF EXISTS cf_rows');
  }
}
