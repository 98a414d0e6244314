/**
 * Parse once: a flow file's values, read (`flow-files.ts`) and converted (`rows-sql.ts`), are kept
 * as Parquet named by the sha256 of the file's bytes, with the Paris day each closes, and the
 * file's days in its manifest. The claim of a dropped file reads it to know its days and leaves it
 * here; each of the file's days then reads its own rows instead of parsing the whole XML again — a
 * file of N days is parsed once, not N + 1 times. The rows are kept grouped by reading date
 * (`day-buckets.ts`), in small row groups: a day's read skips the row groups of the other days
 * (DuckDB compares the day with each group's bounds), so a day of a many-day file reads its rows only.
 *
 * The kept files are a local cache (`{tmp}/courant-enedis-parsed/`): raw files stay the only truth.
 * A miss (another worker, a cleared cache) parses again and gives the same rows; entries are named
 * by the bytes' hash and by the version of the reader and of the conversion SQL, so that a changed
 * reader never reads an old entry. Entries are written to a temporary name and renamed (a reader
 * sees a whole entry or none); days of the same file parsing it at once write equal entries. The
 * least recently used entries are removed beyond `PARSED_CACHE_MAX_BYTES`.
 *
 * A file already being parsed is waited for rather than parsed twice. The parse and the DuckDB
 * statement keeping it each wait for their turn (`turns.ts`): a process parses one file at a time
 * while DuckDB keeps the one before, however many files are claimed at once.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { sqlString } from '../../parquet/columns.js';
import { copyToParquetSql } from '../../parquet/copy.js';
import { writeFileFlows } from './flow-files.js';
import { FLOWS, READER_FORMAT } from './flow-xml.js';
import { flowRowsSql } from './rows-sql.js';
import { parseTurn, ROW_GROUP_SIZE, withQueryDb } from './turns.js';

/** The parses under way in this process, by entry (see the module's doc). */
const underWay = new Map<string, Promise<ParsedFile>>();

/** The cache's size past which the least recently used entries are removed. */
export const PARSED_CACHE_MAX_BYTES = 4 * 1024 ** 3;

/** The version of what an entry holds: the reader's format and the conversion SQL. */
const FORMAT = createHash('sha256')
  .update(`${READER_FORMAT}\n${flowRowsSql([{ path: '', file: '', arrival: 0 }])}`)
  .digest('hex')
  .slice(0, 12);

const manifestSchema = z.object({
  /** Each flow of the file: `''` for the file itself, `!{member}` for a zip member. */
  parts: z.array(z.object({ suffix: z.string(), flow: z.enum(FLOWS), count: z.number().int() })),
  skipped: z.array(z.object({ suffix: z.string(), reason: z.string() })),
  /** The Paris days (`YYYY-MM-DD`) whose end a kept reading closes, ascending. */
  days: z.array(z.string()),
});

/** A parsed flow file: its rows (`flowRowsSql`'s columns, `file` holding the suffix) and its flows. */
export interface ParsedFile {
  readonly rows: string;
  readonly manifest: z.infer<typeof manifestSchema>;
}

/** Where the cache lives: the system's temporary folder (a container's own, a developer's). */
export function parsedCacheDir(): string {
  return path.join(os.tmpdir(), 'courant-enedis-parsed');
}

/** Bytes hashed at a time: a large file hashes about a fifth faster than with the default 64 KiB. */
const HASH_CHUNK_BYTES = 1024 * 1024;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: HASH_CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function cached(entry: string): Promise<ParsedFile | null> {
  try {
    const manifest = manifestSchema.parse(JSON.parse(await readFile(`${entry}.json`, 'utf8')));
    await stat(`${entry}.parquet`);
    const now = new Date();
    await utimes(`${entry}.json`, now, now);
    return { rows: `${entry}.parquet`, manifest };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Removes the least recently used entries (but `keep`) while the cache is larger than its bound. */
async function evict(dir: string, keep: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  const entries = await Promise.all(
    names.map(async (name) => {
      const entry = path.join(dir, name.slice(0, -'.json'.length));
      const [meta, rows] = await Promise.all([stat(`${entry}.json`), stat(`${entry}.parquet`).catch(() => null)]);
      return { entry, used: meta.mtimeMs, bytes: meta.size + (rows?.size ?? 0) };
    }),
  );
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  for (const e of entries.sort((a, b) => a.used - b.used)) {
    if (total <= PARSED_CACHE_MAX_BYTES) return;
    if (e.entry === keep) continue;
    await rm(`${e.entry}.json`, { force: true });
    await rm(`${e.entry}.parquet`, { force: true });
    total -= e.bytes;
  }
}

/**
 * The parsed rows of the flow file at `local` (named `name` in errors), from the cache or parsed
 * now and kept. `sha256` is the file's, when known. Throws BadDataError as `writeFileFlows` does.
 */
export async function parsedFile(local: string, name: string, sha256?: string): Promise<ParsedFile> {
  const dir = parsedCacheDir();
  const entry = path.join(dir, `${sha256 ?? (await sha256Of(local))}-${FORMAT}`);
  const hit = await cached(entry);
  if (hit) return hit;
  const pending = underWay.get(entry);
  if (pending) return pending;
  const parse = parseAndKeep(local, name, dir, entry);
  underWay.set(entry, parse);
  try {
    return await parse;
  } finally {
    underWay.delete(entry);
  }
}

/** Parses the file and keeps its rows as the cache entry `entry`. */
async function parseAndKeep(local: string, name: string, dir: string, entry: string): Promise<ParsedFile> {
  await mkdir(dir, { recursive: true });
  const scratch = await mkdtemp(`${entry}.`);
  try {
    const { parts, skipped } = await parseTurn(() => writeFileFlows(local, name, scratch, 'values'));
    const suffix = (file: string) => file.slice(name.length);
    const rows = path.join(scratch, 'rows.parquet');
    const values = parts.flatMap((part) =>
      part.values.map((values) => ({ path: values.path, file: suffix(part.file), arrival: 0 })),
    );
    const days = await withQueryDb(scratch, async (db) => {
      await db.run(copyToParquetSql(`SELECT * FROM (${flowRowsSql(values)})`, rows, ROW_GROUP_SIZE));
      const found = await db.runAndReadAll(
        `SELECT DISTINCT strftime(day, '%Y-%m-%d') FROM read_parquet(${sqlString(rows)})
         WHERE reason IS NULL AND NOT skipped ORDER BY 1`,
      );
      return found.getRowsJson().flatMap(([day]) => (typeof day === 'string' ? [day] : []));
    });
    const manifest = {
      parts: parts.map((part) => ({ suffix: suffix(part.file), flow: part.flow, count: part.count })),
      skipped: skipped.map((s) => ({ suffix: suffix(s.file), reason: s.reason })),
      days,
    };
    await writeFile(path.join(scratch, 'manifest.json'), JSON.stringify(manifest));
    await rename(rows, `${entry}.parquet`);
    await rename(path.join(scratch, 'manifest.json'), `${entry}.json`);
    await evict(dir, entry);
    return { rows: `${entry}.parquet`, manifest };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * SQL reading a parsed file's rows of the Paris day `date` and every rejected row (a rejected
 * value may have no day), as rows of the stored file `key`, arriving `arrival`-th. Each part is a
 * filter DuckDB checks against the row groups' bounds: the other days' groups are not read.
 */
export function parsedDayRowsSql(parsed: ParsedFile, key: string, arrival: number, date: string): string {
  const rows = `SELECT * REPLACE (${sqlString(key)} || file AS file, ${arrival} AS arrival) FROM read_parquet(${sqlString(parsed.rows)})`;
  return `${rows} WHERE day = '${date}'::DATE AND reason IS NULL UNION ALL ${rows} WHERE reason IS NOT NULL`;
}
