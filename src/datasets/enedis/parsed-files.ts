/**
 * Parse once (`../parsed-cache.ts`): a flow file's values, read (`flow-files.ts`) and converted
 * (`rows-sql.ts`), are kept as Parquet with the Paris day each closes, and the file's days in its
 * manifest. The claim of a dropped file reads it to know its days and leaves it in the cache; each
 * of the file's days then reads its own rows instead of parsing the whole XML again — a file of N
 * days is parsed once, not N + 1 times. The rows are kept grouped by reading date
 * (`day-buckets.ts`), in small row groups: a day's read skips the row groups of the other days
 * (DuckDB compares the day with each group's bounds), so a day of a many-day file reads its rows only.
 *
 * The parse runs on a thread of its own (`flow-thread.ts`) and the DuckDB statements keeping it wait
 * for their turn (`turns.ts`): a process parses one file at a time while DuckDB keeps what was read
 * before — the segments of the same file (`SEGMENT_LINES` lines each) or the file before —
 * however many files are claimed at once.
 */
import path from 'node:path';
import { z } from 'zod';
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { parsedCache } from '../parsed-cache.js';
import type { BucketFile } from './day-buckets.js';
import type { DeliveryKey } from './decrypt.js';
import type { FlowFilesRead } from './flow-thread-body.js';
import { readFlowsOffThread } from './flow-thread.js';
import { FLOWS, READER_FORMAT } from './flow-values.js';
import { flowRowsSql } from './rows-sql.js';
import { ROW_GROUP_SIZE, withQueryDb } from './turns.js';

const manifestSchema = z.object({
  /** Each flow of the file: `''` for the file itself, `!{member}` for a zip member. */
  parts: z.array(
    z.object({ suffix: z.string(), flow: z.enum(FLOWS), count: z.number().int(), events: z.number().int() }),
  ),
  skipped: z.array(z.object({ suffix: z.string(), reason: z.string() })),
  /** The Paris days (`YYYY-MM-DD`) whose end a kept reading or C15 event closes, ascending. */
  days: z.array(z.string()),
  /** Values rejected, and energies stated for a period (R15): a day reads neither when there are none. */
  rejected: z.number().int().nonnegative(),
  stated: z.number().int().nonnegative(),
});

/** The kept rows: a Parquet file per segment of values. */
const ROWS = 'rows-*.parquet';

/** Values per segment: the segments of a file are kept while the rest of it is read. */
export const SEGMENT_LINES = 250_000;

const cache = parsedCache({
  dataset: 'enedis',
  format: `${READER_FORMAT}\n${flowRowsSql([{ path: '', file: '', arrival: 0 }])}\n${Object.keys(manifestSchema.shape).join()}\n${ROWS}`,
  manifest: manifestSchema,
  maxBytes: 4 * 1024 ** 3,
});

/** A parsed flow file: its rows (`flowRowsSql`'s columns, `file` holding the suffix) and its flows. */
export interface ParsedFile {
  readonly rows: string;
  readonly manifest: z.infer<typeof manifestSchema>;
}

/**
 * The parsed rows of the flow file at `local` (named `name` in errors), from the cache or parsed
 * now and kept (`sha256`: the file's, as delivered; `key` decrypts an encrypted delivery). Throws
 * BadDataError as `writeFileFlows` does.
 */
export async function parsedFile(local: string, name: string, sha256: string, key?: DeliveryKey): Promise<ParsedFile> {
  const entry = await cache.entry({ local, sha256 }, (out, work) => parse(local, name, out, work, key));
  return { rows: path.join(entry.dir, ROWS), manifest: entry.manifest };
}

/** What DuckDB says of the kept rows (counts come as text from `getRowsJson`). */
const keptSchema = z.object({
  days: z.array(z.string()),
  rejected: z.coerce.number().int(),
  stated: z.coerce.number().int(),
});

/** Waits for every promise; throws the first failure once none is pending. */
async function settle(promises: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Parses the file into `out`; its values pass through `work`. Each segment of values is kept as
 * Parquet as soon as the thread hands it over, while the thread reads on.
 */
async function parse(
  local: string,
  name: string,
  out: string,
  work: string,
  key: DeliveryKey | undefined,
): Promise<z.infer<typeof manifestSchema>> {
  const suffix = (file: string) => file.slice(name.length);
  const keeps: Promise<unknown>[] = [];
  const keep = (file: string, values: readonly BucketFile[]) => {
    const rows = path.join(out, ROWS.replace('*', String(keeps.length)));
    const sources = values.map((v) => ({ path: v.path, file: suffix(file), arrival: 0 }));
    keeps.push(
      withQueryDb('claim', (db) =>
        db.run(copyToParquetSql(`SELECT * FROM (${flowRowsSql(sources)})`, rows, ROW_GROUP_SIZE)),
      ),
    );
  };
  let read: FlowFilesRead;
  try {
    read = await readFlowsOffThread(
      { local, name, scratch: work, prefix: 'values', ...(key ? { key } : {}) },
      { lines: SEGMENT_LINES, onSegment: keep },
    );
    for (const part of read.parts) keep(part.file, part.values);
  } catch (error) {
    // The cache removes `out` and `work` once this throws: the keeps under way end first.
    await Promise.allSettled(keeps);
    throw error;
  }
  await settle(keeps);
  const { parts, skipped } = read;
  const kept = await withQueryDb('claim', async (db) => {
    const found = await db.runAndReadAll(
      `SELECT list(DISTINCT strftime(day, '%Y-%m-%d') ORDER BY 1) FILTER (WHERE reason IS NULL AND NOT skipped),
              count(*) FILTER (WHERE reason IS NOT NULL), count(*) FILTER (WHERE reason IS NULL AND stated)
       FROM read_parquet(${sqlString(path.join(out, ROWS))})`,
    );
    const [days, rejected, stated] = found.getRowsJson()[0] ?? [];
    return keptSchema.parse({ days: days ?? [], rejected, stated });
  });
  return {
    parts: parts.map((part) => ({
      suffix: suffix(part.file),
      flow: part.flow,
      count: part.count,
      events: part.events,
    })),
    skipped: skipped.map((s) => ({ suffix: suffix(s.file), reason: s.reason })),
    ...kept,
  };
}

/** A parsed file among a day's: the stored file `key` it is, arriving `arrival`-th. */
export interface ParsedDayFile {
  readonly parsed: ParsedFile;
  readonly key: string;
  readonly arrival: number;
}

/**
 * SQL reading the parsed files' rows of the Paris day `date` and every rejected row (a rejected
 * value may have no day; read only from the files that have some), as rows of their stored files.
 * The files are read by one scan of them all (a `read_parquet` list), whatever their number: a
 * scan per file would give each statement's sort a state per file, past the turn's memory for a
 * day of hundreds of files. The day is a filter DuckDB checks against the row groups' bounds: the
 * other days' groups are not read.
 */
export function parsedDayRowsSql(files: readonly ParsedDayFile[], date: string): string {
  const entries = `(VALUES ${files
    .map((f) => `(${sqlString(path.dirname(f.parsed.rows))}, ${sqlString(f.key)}, ${f.arrival})`)
    .join(', ')}) AS en_entry(dir, stored, arrival_order)`;
  const rowsOf = (of: readonly ParsedDayFile[], where: string) => {
    const globs = [...new Set(of.map((f) => f.parsed.rows))].map(sqlString).join(', ');
    return `SELECT en_parsed.* EXCLUDE (filename) REPLACE (en_entry.stored || en_parsed.file AS file, en_entry.arrival_order AS arrival)
            FROM read_parquet([${globs}], filename = true) AS en_parsed
            JOIN ${entries} ON parse_dirpath(en_parsed.filename, 'system') = en_entry.dir
            WHERE ${where}`;
  };
  const day = rowsOf(files, `en_parsed.day = '${date}'::DATE AND en_parsed.reason IS NULL`);
  const rejecting = files.filter((f) => f.parsed.manifest.rejected > 0);
  return rejecting.length === 0 ? day : `${day} UNION ALL ${rowsOf(rejecting, 'en_parsed.reason IS NOT NULL')}`;
}
