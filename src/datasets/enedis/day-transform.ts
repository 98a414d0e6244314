/**
 * The Enedis day: every flow file claimed for the day → `index_readings.parquet`, one row per
 * (flow, PRM, reading instant, class kind, calendar, class, side of a C15 event) whose reading
 * closes the Paris day, then `stated_energies.parquet` (always written, possibly empty), one row
 * per energy a flow states for a period the day's end closes (R15 `Classe_Mesure` 2),
 * `deliveries.parquet` (the day's numbered deliveries, `delivery-table.ts`), `contract_events.parquet`
 * (the C15 events whose instant closes the day, with or without readings), and the rejected values. The XML is read once per file in a stream (`flow-xml.ts`) and its values converted and
 * judged by DuckDB (`rows-sql.ts`), kept by the file's hash (`parsed-files.ts`, usually already
 * there since the file's claim): each day reads only its own rows, then DuckDB keeps them,
 * spilling to disk past its memory limit.
 * A C15 event delivered again is kept once per content (PRM, contract, event, instant, state,
 * FTA, kVA, calendar, segment), the latest file's.
 * A value delivered again (a re-delivered or overlapping file) is kept once: an actual reading wins
 * over an R15 previous reading of the same instant, then the latest file to arrive, and within a
 * file the last line. A C15 event's readings before and after it are two readings, never merged.
 * A zip's members are read as flows of their own; a member that is not XML is a reject naming it.
 */
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { onePerKeySql } from '../../duckdb/one-per-key.js';
import type { TransformOutput } from '../contract.js';
import type { DayTransformContext } from '../each-day.js';
import { copyJsonLines } from '../../duckdb/json-lines.js';
import { PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';
import type { EnedisConfig } from './config.js';
import { DELIVERY_TABLE, writeDeliveries } from './delivery-table.js';
import { parsedFile, parsedDayRowsSql, type ParsedDayFile } from './parsed-files.js';
import { ROW_GROUP_SIZE, withQueryDb } from './turns.js';

export const INDEX_TABLE = 'index_readings';

/** Columns of `index_readings.parquet`, in order. */
export const INDEX_COLUMNS = [
  'prm',
  'flow',
  'reading_at',
  'class_kind',
  'class',
  'calendar',
  'index_kwh',
  'nature',
  'flagged',
  'qualification',
  'event',
  'file',
  'line',
] as const;

export const STATED_TABLE = 'stated_energies';

/** Columns of `stated_energies.parquet`, in order. */
export const STATED_COLUMNS = [
  'prm',
  'flow',
  'period_start',
  'period_end',
  'class_kind',
  'class',
  'calendar',
  'energy_kwh',
  'file',
  'line',
] as const;

export const EVENT_TABLE = 'contract_events';

/** Columns of `contract_events.parquet`, in order. */
export const EVENT_COLUMNS = [
  'prm',
  'contract',
  'event',
  'event_at',
  'event_date',
  'state',
  'fta',
  'kva',
  'kva_text',
  'calendar',
  'segment',
  'readings',
  'file',
  'line',
  'arrival',
] as const;

/** A C15 event's content: one row per content whatever the number of deliveries. */
const EVENT_CONTENT = [
  'prm',
  'contract',
  'event',
  'reading_at',
  'state',
  'fta',
  'TRY_CAST(power AS DECIMAL(9, 3))',
  'calendar',
  'segment',
];

/**
 * A reading's side: a C15 event's reading before it and the one after it are two readings; an R15
 * previous reading is the same reading as the one delivered at that instant (no side of its own).
 */
const SIDE = `CASE WHEN qualification IN ('before', 'after') THEN qualification END`;

/** The key of a reading: one row per key in `index_readings`. */
const READING_KEY = ['flow', 'prm', 'reading_at', 'class_kind', 'calendar', 'class', SIDE];

/** The rows of `rows`, one per `key`: the first by `first` (if given), then the last arrival, then the last line. */
const latestOf = (rows: string, key: readonly string[], first = '') =>
  onePerKeySql(rows, key, `${first} arrival DESC, line DESC`);

/** An actual reading wins over a previous one (R15 `Valeur_Precedent`) stated for the same instant. */
const ACTUAL_FIRST = `qualification IS NOT DISTINCT FROM 'previous',`;

async function count(context: DayTransformContext<EnedisConfig>, sql: string): Promise<number> {
  return Number((await context.db.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
}

/**
 * The day's rows' `file` (its stored key and member) as a value of an ENUM of the day's flows,
 * written as the same text: a day's sort then holds a small number a row rather than a name of
 * some hundred bytes, and keeps a day of millions of indexes in the turn's memory instead of
 * spilling (bench/RESULTS.md, "A day of a million PRMs"). A name outside it fails the statement.
 */
function fileAsEnum(files: readonly DayInput[]): string {
  const names = [
    ...new Set(files.flatMap((f) => f.file.parsed.manifest.parts.map((part) => `${f.file.key}${part.suffix}`))),
  ].sort();
  return names.length === 0 ? 'file' : `file::ENUM(${names.map(sqlString).join(', ')}) AS file`;
}

/** A parsed file of the day: where its rows are, how many there are, and its members left out. */
interface DayInput {
  readonly file: ParsedDayFile;
  readonly values: number;
  /** Whether the file states energies (R15): a day of files stating none does not look for them. */
  readonly stated: boolean;
  /** Whether the file holds C15 events: a day of files holding none does not look for them. */
  readonly events: boolean;
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

/** See the module's doc: the day's flow files → index readings and rejects. Idempotent. */
export async function transformEnedisFiles(context: DayTransformContext<EnedisConfig>): Promise<TransformOutput> {
  const files: DayInput[] = [];
  for (const file of context.files) {
    const parsed = await parsedFile(file.path, file.key, file.sha256, context.config.deliveryKey);
    files.push({
      file: { parsed, key: file.key, arrival: file.order },
      values: parsed.manifest.parts.reduce((sum, part) => sum + part.count + part.events, 0),
      events: parsed.manifest.parts.some((part) => part.events > 0),
      stated: parsed.manifest.stated > 0,
      skipped: parsed.manifest.skipped.map((s) => ({ file: `${file.key}${s.suffix}`, reason: s.reason })),
    });
  }
  // The day's statements sort and buffer its rows: they run in their turn, on a DuckDB of their own.
  return withQueryDb('day', (db) => writeDayTables({ ...context, db }, files));
}

/** The day's tables and rejects, from the parsed rows of its files. */
async function writeDayTables(
  context: DayTransformContext<EnedisConfig>,
  files: readonly DayInput[],
): Promise<TransformOutput> {
  const { db, date } = context;
  const skipped = files.flatMap((f) => f.skipped);
  const skippedRejects = skipped.map(
    (s) => `SELECT json_object('file', ${sqlString(s.file)}, 'reason', ${sqlString(s.reason)}), NULL, NULL`,
  );
  // Every value of the files is read (its count is the parse's), and each member left out.
  const rows = files.reduce((sum, f) => sum + f.values, 0) + skipped.length;
  // The day's rows and every rejected one (a rejected value may have no day), read from the
  // parsed files by each query rather than held in memory: they are Parquet already.
  const all = parsedDayRowsSql(
    files.map((f) => f.file),
    date,
  );
  const dayRows = `(${all}) AS en_rows`;
  const rejected = await count(
    context,
    copyJsonLines(
      `SELECT reject FROM (
         SELECT json_object('file', file, 'line', line, 'column', bad_column, 'value', bad_value, 'reason', reason) AS reject,
                arrival, line
         FROM ${dayRows} WHERE reason IS NOT NULL
         ${skippedRejects.map((sql) => `UNION ALL ${sql}`).join(' ')})
       ORDER BY arrival NULLS LAST, line, reject`,
      context.rejectsPath,
    ),
  );
  const written = await count(
    context,
    copyToParquetSql(
      `SELECT ${INDEX_COLUMNS.map((c) => (c === 'file' ? fileAsEnum(files) : c)).join(', ')} FROM (${latestOf(
        `SELECT * FROM ${dayRows} WHERE reason IS NULL AND NOT skipped AND NOT is_event AND day = '${date}'::DATE`,
        READING_KEY,
        ACTUAL_FIRST,
      )})
       ORDER BY prm, reading_at, flow, class_kind, calendar, class, qualification = 'after'`,
      context.tablePath(INDEX_TABLE),
      ROW_GROUP_SIZE,
    ),
  );
  const stated = await count(
    context,
    copyToParquetSql(
      `SELECT ${STATED_COLUMNS.join(', ')} FROM (${latestOf(
        `SELECT *, reading_at AS period_end FROM ${dayRows}
         WHERE reason IS NULL AND stated AND day = '${date}'::DATE ${files.some((f) => f.stated) ? '' : 'AND false'}`,
        ['flow', 'prm', 'period_start', 'reading_at', 'class_kind', 'calendar', 'class'],
      )})
       ORDER BY prm, period_end, period_start, flow, class_kind, calendar, class`,
      context.tablePath(STATED_TABLE),
      ROW_GROUP_SIZE,
    ),
  );
  const events = await count(
    context,
    copyToParquetSql(
      `SELECT prm, contract, event, reading_at AS event_at, timezone(${sqlString(PARTITION_TIMEZONE)}, reading_at)::DATE AS event_date,
              state, fta, TRY_CAST(power AS DECIMAL(9, 3)) AS kva, power AS kva_text, calendar, segment, readings, file, line, arrival
       FROM (${latestOf(
         `SELECT * FROM ${dayRows}
          WHERE reason IS NULL AND is_event AND day = '${date}'::DATE ${files.some((f) => f.events) ? '' : 'AND false'}`,
         EVENT_CONTENT,
       )})
       ORDER BY prm, event_at, contract, event, line`,
      context.tablePath(EVENT_TABLE),
      ROW_GROUP_SIZE,
    ),
  );
  await writeDeliveries(db, date, context.files, context.tablePath(DELIVERY_TABLE));
  return {
    tables: [INDEX_TABLE, STATED_TABLE, DELIVERY_TABLE, EVENT_TABLE],
    rows: { read: rows, written: written + stated + events, rejected },
  };
}
