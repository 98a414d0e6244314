/**
 * Billing over what the Enedis days stored, as `courant billing`, `courant perimeter`, the billing
 * workflow and the read API all ask it: the month's tables, the month's rows written as Parquet,
 * the contracts in force on a day. Reads storage only; writes in `dir` only.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sqlString } from '../duckdb/columns.js';
import { openDuckDb } from '../duckdb/duckdb.js';
import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';
import { billingKeys } from '../workflow-safe/keys.js';
import { nextDate, previousDate } from '../workflow-safe/partition.js';
import { datesOfMonth } from '../workflow-safe/periods.js';
import { writeBillingParquet } from './billing.js';
import { eventsSql } from './contracts-sql.js';
import type { MonthSqlInput } from './month-sql.js';
import type { Rates } from './rates.js';
import { storedBillingTables, type DaysRead } from './stored-tables.js';

/** Runs `work` with a scratch folder of its own in `parentDir` (the system's temporary folder by default), removed after. */
export async function withScratchFolder<T>(work: (dir: string) => Promise<T>, parentDir = os.tmpdir()): Promise<T> {
  const dir = await mkdtemp(path.join(parentDir, 'courant-billing-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `work` with a scratch folder ({@link withScratchFolder}) and a DuckDB of its own spilling
 * there, within `options.memoryLimit` (`DUCKDB_MEMORY_LIMIT`; DuckDB's 512 MB by default) — its
 * memory comes back when it closes: billing is a monthly pass, not a day's step — removing both
 * after. Every billing opens its DuckDB here.
 */
export function withBillingScratch<T>(
  work: (scratch: { dir: string; db: DuckDBConnection }) => Promise<T>,
  options: { readonly parentDir?: string; readonly memoryLimit?: string } = {},
): Promise<T> {
  return withScratchFolder(async (dir) => {
    const instance = await openDuckDb({
      tempDirectory: dir,
      returnMemoryEagerly: true,
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
    });
    const db = await instance.connect();
    try {
      return await work({ dir, db });
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  }, options.parentDir);
}

/** The first day of the month, its last, and the days whose index readings bound its energy (the day before to the last). */
export function monthDays(month: string): { first: string; last: string; readingDays: string[] } {
  const days = datesOfMonth(month);
  const first = days[0] ?? `${month}-01`;
  const last = days[days.length - 1] ?? first;
  return { first, last, readingDays: [previousDate(first), ...days] };
}

/** Where billing reads: the stored objects and the day records that say which days it may read. */
export interface BillingStorage {
  readonly objects: ObjectStore;
  readonly records: RecordStore;
}

/**
 * The query input of the month over the stored days: every event up to its end (the months before
 * it from their folds, `fill` writing those missing), the readings that bound it; the day records read.
 */
export async function storedMonthInput(
  storage: BillingStorage,
  dir: string,
  month: string,
  prms: readonly string[],
  fill: DuckDBConnection | null,
): Promise<MonthSqlInput & { readonly read: DaysRead }> {
  const { last, readingDays } = monthDays(month);
  const folding = { before: month, fill };
  return {
    month,
    prms,
    ...(await storedBillingTables(storage.objects, storage.records, dir, nextDate(last), readingDays, folding)),
  };
}

/** A month written as Parquet: the file, its rows, the days it could not read, and the day records it read. */
export interface WrittenMonth {
  readonly file: string;
  readonly contracts: number;
  readonly unusable: ReadonlyArray<{ readonly date: string; readonly why: string }>;
  readonly read: DaysRead;
}

/**
 * Writes the month (every PRM, or `options.prms`) as Parquet in `dir`; `options.fillFolds`: the
 * month's billing, which writes the events folds of the months before it that are missing.
 */
export async function writeStoredMonth(
  storage: BillingStorage,
  dir: string,
  db: DuckDBConnection,
  rates: Rates,
  month: string,
  options: { readonly prms?: readonly string[]; readonly fillFolds?: boolean } = {},
): Promise<WrittenMonth> {
  const input = await storedMonthInput(storage, dir, month, options.prms ?? [], options.fillFolds ? db : null);
  const file = path.join(dir, 'billing_elements.parquet');
  return {
    file,
    contracts: await writeBillingParquet(db, rates, input, file),
    unusable: (input.unusable ?? []).map(({ date, why }) => ({ date, why })),
    read: input.read,
  };
}

const BILLED_MONTH_KEY = /^billing\/month=(\d{4}-\d{2})\/(?:billing_elements|versions\/v\d+)\.parquet$/;

/**
 * The months with a Parquet under `billing/` (the month's, or a version's), oldest first: billed, or
 * being billed for the first time, whether or not their record was written.
 */
export async function billedMonths(objects: ObjectStore): Promise<string[]> {
  return [
    ...new Set(
      (await objects.list('billing'))
        .map((o) => BILLED_MONTH_KEY.exec(o.key)?.[1])
        .filter((month): month is string => month !== undefined),
    ),
  ].sort();
}

/**
 * Whether `month` holds a Parquet, as {@link billedMonths} counts it, from its own keys alone: the
 * month's Parquet (a look at one key), else one listing of the month's folder (a first billing cut
 * before the month's Parquet leaves a version's). What a late day asks about every month it reads.
 */
export async function isBilledMonth(objects: ObjectStore, month: string): Promise<boolean> {
  const key = billingKeys.month(month);
  if ((await objects.head(key)) !== null) return true;
  return (await objects.list(path.posix.dirname(key))).some((o) => BILLED_MONTH_KEY.test(o.key));
}

const eventRowsSchema = z.array(
  z.object({
    date: z.string(),
    event: z.string(),
    kind: z.string(),
    fta: z.string().nullable(),
    kva: z.string().nullable(),
  }),
);
export type ContractEvent = z.infer<typeof eventRowsSchema>[number];

/** A contract's stored C15 events, once each, in order (the Paris day, the code, its kind, FTA and kVA after it). */
export async function contractEvents(
  storage: BillingStorage,
  dir: string,
  db: DuckDBConnection,
  contract: { readonly prm: string; readonly contract: string },
): Promise<ContractEvent[]> {
  // Every month's fold stored: one names exactly the days it holds, whichever month it is.
  const { eventFiles, snapshotFiles } = await storedBillingTables(
    storage.objects,
    storage.records,
    dir,
    '9999-12-31',
    [],
    {
      before: '9999-12',
      fill: null,
    },
  );
  const rows = await db.runAndReadAll(
    `SELECT strftime(event_date, '%Y-%m-%d') AS date, event, kind, fta, kva_text AS kva
     FROM (${eventsSql(eventFiles, "DATE '9999-12-31'", snapshotFiles)})
     WHERE prm = ${sqlString(contract.prm)} AND contract = ${sqlString(contract.contract)}
     ORDER BY event_at, event`,
  );
  return eventRowsSchema.parse(rows.getRowObjectsJson());
}
