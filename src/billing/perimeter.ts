/**
 * The contracts in force on a day, as `courant perimeter` and `GET /api/v1/perimeter` ask them
 * (docs/billing.md, "The perimeter"): from the stored tables, the whole list, a head of it, or the
 * whole list written as Parquet. Reads storage only; writes in `dir` only.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import { openDuckDb } from '../duckdb/duckdb.js';
import { nextDate } from '../workflow-safe/partition.js';
import { monthOf } from '../workflow-safe/periods.js';
import { perimeterHeadBoundSql, perimeterSql } from './contracts-sql.js';
import type { BillingStorage } from './stored-month.js';
import { storedBillingTables, type BillingTables } from './stored-tables.js';

const perimeterRowsSchema = z.array(
  z.object({ prm: z.string(), contract: z.string(), since: z.string(), source: z.enum(['c15', 'snapshot']) }),
);
export type PerimeterRow = z.infer<typeof perimeterRowsSchema>[number];

/** The tables a perimeter is computed from: the C15 events and the snapshot. */
type PerimeterFiles = Pick<BillingTables, 'eventFiles' | 'snapshotFiles'>;

/** Rows of a row group of a written perimeter: a page of 1 000 rows reads one or two. */
const PERIMETER_ROW_GROUP = 10_000;

/** The stored tables the contracts in force on the Paris day `date` are computed from (their files copied to `dir` when the store keeps none). */
export function perimeterTables(storage: BillingStorage, dir: string, date: string): Promise<BillingTables> {
  const folding = { before: monthOf(date), fill: null };
  return storedBillingTables(storage.objects, storage.records, dir, nextDate(date), [], folding);
}

/** The contracts in force on the Paris day `date` (only `prms` when given), ordered by PRM, each with its source. */
export async function perimeterOn(
  storage: BillingStorage,
  dir: string,
  db: DuckDBConnection,
  date: string,
  prms: readonly string[],
): Promise<PerimeterRow[]> {
  const tables = await perimeterTables(storage, dir, date);
  const rows = await db.runAndReadAll(perimeterSql(tables.eventFiles, tables.snapshotFiles, date, prms));
  return perimeterRowsSchema.parse(rows.getRowObjectsJson());
}

/**
 * The first `count` rows of {@link perimeterOn}'s list from `tables` (fewer: all there are), without
 * aggregating the whole list: the contracts of the PRMs of its first events in PRM order, twice as
 * many events as rows asked, then twice as many again until they give `count` rows or are all.
 */
export async function perimeterHead(
  db: DuckDBConnection,
  tables: PerimeterFiles,
  date: string,
  prms: readonly string[],
  count: number,
): Promise<PerimeterRow[]> {
  for (let events = 2 * Math.max(1, count); ; events *= 2) {
    const bound = await db.runAndReadAll(perimeterHeadBoundSql(tables.eventFiles, tables.snapshotFiles, prms, events));
    const [last, taken] = bound.getRows()[0] ?? [null, 0];
    if (last === null) return [];
    const rows = await db.runAndReadAll(
      `${perimeterSql(tables.eventFiles, tables.snapshotFiles, date, prms, String(last))} LIMIT ${Math.trunc(count)}`,
    );
    if (rows.currentRowCount >= count || Number(taken) < events)
      return perimeterRowsSchema.parse(rows.getRowObjectsJson());
  }
}

/**
 * Writes {@link perimeterOn}'s rows from `tables` ({@link perimeterTables}), in their order, to the
 * Parquet `file` (Snappy, as hyparquet reads it back a page at a time); resolves to how many.
 */
export async function writePerimeter(
  db: DuckDBConnection,
  tables: PerimeterFiles,
  date: string,
  prms: readonly string[],
  file: string,
): Promise<number> {
  const query = perimeterSql(tables.eventFiles, tables.snapshotFiles, date, prms);
  const written = await db.run(
    `COPY (${query}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy, PRESERVE_ORDER, ROW_GROUP_SIZE ${PERIMETER_ROW_GROUP})`,
  );
  return Number(written.rowsChanged);
}

/** The perimeter on one day from the stored tables read once, in a scratch folder and DuckDBs of its own that live until `close`. */
export interface PerimeterScratch {
  readonly tables: BillingTables;
  /** {@link perimeterHead} of the tables. */
  head(prms: readonly string[], count: number): Promise<PerimeterRow[]>;
  /** {@link writePerimeter} of the tables. */
  write(prms: readonly string[], file: string): Promise<number>;
  /** Removes the scratch folder, its DuckDBs closed first. */
  close(): Promise<void>;
}

/**
 * Reads the tables of the perimeter on `date` ({@link perimeterTables}) into a scratch folder that
 * outlives the call: a listing is written after the request that asked its first page has been
 * answered, and heads may be read while it is. Its DuckDBs open at their first query, spilling
 * to that folder; each query has a connection of its own, so a head need not wait for the write.
 */
export async function openPerimeterScratch(storage: BillingStorage, date: string): Promise<PerimeterScratch> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-perimeter-'));
  let tables: BillingTables;
  try {
    tables = await perimeterTables(storage, dir, date);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // Two DuckDBs, each spilling to a folder of its own: heads on the default threads, the write in
  // the background on one, so that a head asked meanwhile has a core of its own.
  const instances = new Map<'head' | 'write', Promise<DuckDBInstance>>();
  const query = async <T>(use: 'head' | 'write', work: (db: DuckDBConnection) => Promise<T>): Promise<T> => {
    let instance = instances.get(use);
    if (instance === undefined) {
      instance = openDuckDb({
        ...(use === 'write' ? { threads: 1 } : {}),
        tempDirectory: path.join(dir, use),
        returnMemoryEagerly: true,
      });
      instances.set(use, instance);
    }
    const connection = await (await instance).connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  };
  return {
    tables,
    head: (prms, count) => query('head', (db) => perimeterHead(db, tables, date, prms, count)),
    write: (prms, file) => query('write', (db) => writePerimeter(db, tables, date, prms, file)),
    close: async () => {
      try {
        for (const instance of instances.values()) (await instance).closeSync();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
