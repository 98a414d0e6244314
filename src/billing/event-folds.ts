/**
 * The C15 events of a month's usable Enedis days folded into one Parquet (docs/billing.md, "The
 * events a billing reads"), so that a billing reads one file per past month rather than a file per
 * event day, copied from the store one by one.
 *
 * - A fold is named by what it holds: `billing/events/month={YYYY-MM}/contract_events-{sha}.parquet`,
 *   `sha` the SHA-256 of each usable event day of the month and the run that wrote it. A day run
 *   again, refused or delivered late names another fold: a fold is never stale, only absent.
 * - Written by the month's billing only (`fill`), from the days' own tables: any two writers of one
 *   name write the same rows, so it needs no lease. Every other reader (the perimeter, a contract's
 *   events, a `--prm` preview) reads the folds stored and the day tables of the months without one.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sqlString } from '../duckdb/columns.js';
import { copyToParquetSql } from '../duckdb/copy.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import { billingKeys } from '../workflow-safe/keys.js';

/** Which months a read folds: those before `before` (`YYYY-MM`); `fill`, the billing's DuckDB, writes the folds missing. */
export interface EventFolding {
  readonly before: string;
  readonly fill: DuckDBConnection | null;
}

/** Every month read day by day. */
export const NO_FOLDING: EventFolding = { before: '', fill: null };

/** A usable day with a C15 events table, and the run that wrote it. */
export interface EventDay {
  readonly date: string;
  readonly runId: string;
}

/** The name of the fold of `days`, all of one month: the SHA-256 of each day and its run, in day order. */
export function foldSha256(days: readonly EventDay[]): string {
  const lines = days.map((d) => `${d.date} ${d.runId}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

async function storedFold(objects: ObjectStore, key: string, dir: string): Promise<string | null> {
  try {
    return (await readableFile(objects, key, dir, path.posix.basename(key))).path;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

/** Writes the fold of one month's `dayFiles` at `key`, from a file made in `dir`; resolves to that file. */
async function writeFold(
  objects: ObjectStore,
  db: DuckDBConnection,
  key: string,
  dir: string,
  dayFiles: readonly string[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, path.posix.basename(key));
  const read = `SELECT * FROM read_parquet([${dayFiles.map(sqlString).join(', ')}], union_by_name = true)`;
  await db.run(copyToParquetSql(read, file));
  await objects.putFile(key, file);
  return file;
}

/**
 * The folds of the months of `days` before `folding.before`: per month, the fold's file in `dir`,
 * read from the store, or written from the days' tables (`dayFile`) when `folding.fill`. A month
 * with no fold stored and none written is absent: its days are read one by one.
 */
export async function eventFolds(
  objects: ObjectStore,
  dir: string,
  days: readonly EventDay[],
  folding: EventFolding,
  dayFile: (date: string) => Promise<string | null>,
): Promise<Map<string, string>> {
  const byMonth = new Map<string, EventDay[]>();
  for (const day of days) {
    const month = day.date.slice(0, 7);
    if (month < folding.before) byMonth.set(month, [...(byMonth.get(month) ?? []), day]);
  }
  const folds = new Map<string, string>();
  for (const [month, monthDays] of byMonth) {
    const key = billingKeys.eventsFold(month, foldSha256(monthDays));
    const folder = path.join(dir, `events-${month}`);
    const stored = await storedFold(objects, key, folder);
    if (stored !== null) folds.set(month, stored);
    else if (folding.fill !== null) {
      const files = (await Promise.all(monthDays.map((d) => dayFile(d.date)))).filter((f): f is string => f !== null);
      // A table gone since the listing: the month is read day by day, as without a fold.
      if (files.length === monthDays.length)
        folds.set(month, await writeFold(objects, folding.fill, key, folder, files));
    }
  }
  return folds;
}
