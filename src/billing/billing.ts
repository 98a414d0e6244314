/**
 * A month's billing elements (`month-sql.ts`) computed by DuckDB and read as the JSON shape of
 * `courant billing --format json` and the API (`contract-month.ts`): one object per contract,
 * amounts in euros with two decimals (exact DECIMALs in the query, read as their text), problems
 * named, never a crash.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { contractMonthsOf, type ContractMonth } from './contract-month.js';
import { sqlString } from '../duckdb/columns.js';
import { copyToParquetSql } from '../duckdb/copy.js';
import { billingMonthSql, monthReadingSpansSql, monthReadingsSql, type MonthSqlInput } from './month-sql.js';
import type { Rates } from './rates.js';
import { ratesTablesSql } from './rates-sql.js';

export type { ContractMonth };

export interface BillingMonth {
  readonly month: string;
  readonly contracts: readonly ContractMonth[];
}

async function withRates(db: DuckDBConnection, rates: Rates): Promise<void> {
  for (const statement of ratesTablesSql(rates)) await db.run(statement);
}

/** The month's billing elements, for `input`'s files and PRMs (see `month-sql.ts`). */
export async function billMonth(db: DuckDBConnection, rates: Rates, input: MonthSqlInput): Promise<BillingMonth> {
  await withRates(db, rates);
  const rows = (await db.runAndReadAll(billingMonthSql(input))).getRowObjectsJson();
  return { month: input.month, contracts: contractMonthsOf(rows) };
}

/** Which rows of a written month to read: only `prms` (all when empty), `limit` rows from `offset`. */
export interface BillingPage {
  readonly prms: readonly string[];
  /** Only the contracts with problems. */
  readonly withProblems?: boolean;
  readonly offset: number;
  readonly limit: number;
}

/**
 * The contracts of a month written by `writeBillingParquet` at `file`, in its order (PRM, then
 * contract): the same objects `billMonth` gives for the same stored days. The file holds its rows
 * in that order, so a page is taken by the rows' places in the file rather than by sorting the
 * month again: a page from the middle of a million contracts reads its rows, not the million.
 */
export async function readBillingParquet(
  db: DuckDBConnection,
  file: string,
  page: BillingPage,
): Promise<ContractMonth[]> {
  const [offset, limit] = [Math.trunc(page.offset), Math.trunc(page.limit)];
  const only = page.prms.length === 0 ? '' : `AND prm IN (${page.prms.map(sqlString).join(', ')})`;
  const problems = page.withProblems === true ? 'AND len(problems) > 0' : '';
  const rows = `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(file)}, file_row_number = true)`;
  const read = await db.runAndReadAll(
    only === '' && problems === ''
      ? `${rows} WHERE file_row_number >= ${offset} AND file_row_number < ${offset + limit} ORDER BY file_row_number`
      : `${rows} WHERE true ${only} ${problems} ORDER BY file_row_number LIMIT ${limit} OFFSET ${offset}`,
  );
  return contractMonthsOf(read.getRowObjectsJson());
}

/** A contract's rows of every written month of `files`, oldest month first, each with its month. */
export async function readContractMonths(
  db: DuckDBConnection,
  files: readonly string[],
  contract: { readonly prm: string; readonly contract: string },
): Promise<Array<ContractMonth & { readonly month: string }>> {
  if (files.length === 0) return [];
  const rows = (
    await db.runAndReadAll(
      `SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true)
       WHERE prm = ${sqlString(contract.prm)} AND contract = ${sqlString(contract.contract)} ORDER BY month`,
    )
  ).getRowObjectsJson();
  const months = z.array(z.object({ month: z.string() })).parse(rows);
  return contractMonthsOf(rows).map((row, i) => ({ ...row, month: months[i]?.month ?? '' }));
}

/** PRMs billed by one query: a month is billed in slices of PRMs, each within DuckDB's memory limit. */
export const PRMS_A_SLICE = 20_000;

/**
 * PRMs whose reading spans one query aggregates: every PRM's spans in one aggregate outgrow
 * DuckDB's default memory limit at a supplier's size (bench/RESULTS.md, a million contracts).
 */
const PRMS_A_SPAN = 100_000;

/** A slice of PRMs: from `from` (none: the first) up to `to` excluded (none: the last). */
export type PrmRange = NonNullable<MonthSqlInput['prmRange']>;

/**
 * For each size of `sizes`, the bounds of slices of that many PRMs of the events, the snapshot and
 * the readings' spans, in PRM order, from one read of them (one unbounded slice for a month with
 * fewer PRMs, or that names its PRMs).
 */
export async function prmSlices(
  db: DuckDBConnection,
  input: MonthSqlInput,
  sizes: readonly number[],
): Promise<Array<Array<PrmRange | undefined>>> {
  const sources = [
    ...input.eventFiles.map((f) => `SELECT prm FROM read_parquet(${sqlString(f)})`),
    ...(input.snapshotFiles ?? []).map((f) => `SELECT prm FROM read_parquet(${sqlString(f)})`),
    ...(input.readingSpansFile === undefined
      ? []
      : [`SELECT prm FROM read_parquet(${sqlString(input.readingSpansFile)})`]),
  ];
  if (input.prms.length > 0 || sources.length === 0) return sizes.map(() => [undefined]);
  const starts = sizes.map((size, i) => `n % ${Math.trunc(size)} = 1 AS cut${i}`);
  const rows = await db.runAndReadAll(
    `SELECT prm, ${starts.join(', ')} FROM (SELECT prm, row_number() OVER (ORDER BY prm) AS n FROM (SELECT DISTINCT prm FROM (${sources.join(' UNION ALL ')})))
     WHERE n > 1 AND (${sizes.map((size) => `n % ${Math.trunc(size)} = 1`).join(' OR ')}) ORDER BY prm`,
  );
  return sizes.map((_, i) => {
    const cuts = rows
      .getRows()
      .filter((row) => row[i + 1] === true)
      .map((row) => String(row[0]));
    return [null, ...cuts].map((from, j) => ({ from, to: cuts[j] ?? null }));
  });
}

/**
 * The month's input gathered for slicing, its files written beside `target`: the events of every
 * stored day in one file sorted by PRM, the month's readings narrowed to those the query can use,
 * sorted the same, and each PRM's span of readings. Each slice then reads its own row groups of
 * three files rather than every day's files again; the spans aggregated `prmsASpan` PRMs at a time.
 * `input` itself when it has one events file or names its PRMs.
 */
export async function gatheredMonth(
  db: DuckDBConnection,
  input: MonthSqlInput,
  target: string,
  prmsASpan = PRMS_A_SPAN,
): Promise<MonthSqlInput> {
  if (input.prms.length > 0 || input.eventFiles.length <= 1) return input;
  const events = `${target}.events`;
  const readings = `${target}.readings`;
  const spans = `${target}.spans`;
  await db.run(
    copyToParquetSql(
      `SELECT * FROM read_parquet([${input.eventFiles.map(sqlString).join(', ')}], union_by_name = true) ORDER BY prm`,
      events,
    ),
  );
  if (input.readingFiles.length > 0)
    await db.run(copyToParquetSql(monthReadingsSql({ ...input, eventFiles: [events] }), readings));
  const [ranges = [undefined]] = await prmSlices(db, { ...input, eventFiles: [events] }, [prmsASpan]);
  const parts = ranges.length === 1 ? [spans] : ranges.map((_, i) => `${spans}.${i}`);
  for (const [i, prmRange] of ranges.entries())
    await db.run(copyToParquetSql(monthReadingSpansSql({ ...input, prmRange }), parts[i] ?? spans));
  if (parts.length > 1) {
    await joinParts(db, parts, spans);
    for (const part of parts) await rm(part, { force: true });
  }
  return {
    ...input,
    eventFiles: [events],
    readingFiles: input.readingFiles.length === 0 ? [] : [readings],
    readingSpansFile: spans,
  };
}

/** The files `gatheredMonth` wrote for `target`, whichever it did. */
const gatheredFiles = (target: string) => [`${target}.events`, `${target}.readings`, `${target}.spans`];

/** Writes `parts` (each in PRM order, the slices in theirs) as one Parquet at `target`, in their order. */
async function joinParts(db: DuckDBConnection, parts: readonly string[], target: string): Promise<void> {
  await db.run('SET preserve_insertion_order = true');
  try {
    await db.run(copyToParquetSql(`SELECT * FROM read_parquet([${parts.map(sqlString).join(', ')}])`, target));
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
}

/**
 * Writes the billed `parts` as one Parquet at `target`, in PRM and contract order (the billing
 * query's, a key of its rows). DuckDB cuts row groups (122 880 rows) where the chunks it reads end,
 * so more rows than one holds, concatenated from other parts (slices, shards, threads), would be
 * other bytes: those are sorted. Fewer are concatenated: the same bytes, without the sort's memory.
 * Resolves to the rows written.
 */
export async function joinBilledParts(db: DuckDBConnection, parts: readonly string[], target: string): Promise<number> {
  const read = `SELECT * FROM read_parquet([${parts.map(sqlString).join(', ')}])`;
  const rows = Number((await db.runAndReadAll(`SELECT count(*) FROM (${read})`)).getRows()[0]?.[0] ?? 0);
  if (rows > 122_880) await db.run(copyToParquetSql(`${read} ORDER BY prm, contract NULLS FIRST`, target));
  else await joinParts(db, parts, target);
  return rows;
}

/**
 * Writes the month's billing elements as Parquet at `target` (the query's columns, its order);
 * resolves to the rows written. The PRMs are billed a slice at a time (a contract's figures depend
 * on its PRM's rows only), so memory does not grow with their number; the slices are then joined
 * in PRM order (`sliced`: slices already cut of `input`, gathered). Whatever the slices, the same
 * input writes the same bytes: a month billed in shards (`month-shards.ts`) is byte-identical to
 * one billed here in one piece.
 */
export async function writeBillingParquet(
  db: DuckDBConnection,
  rates: Rates,
  input: MonthSqlInput,
  target: string,
  sliced?: ReadonlyArray<PrmRange | undefined>,
): Promise<number> {
  await withRates(db, rates);
  const gathered = await gatheredMonth(db, input, target);
  const slices = sliced ?? (await prmSlices(db, gathered, [PRMS_A_SLICE]))[0] ?? [undefined];
  const parts = slices.map((_, i) => `${target}.${i}`);
  let rows = 0;
  for (const [i, prmRange] of slices.entries()) {
    const part = parts[i] ?? target;
    const result = await db.runAndReadAll(copyToParquetSql(billingMonthSql({ ...gathered, prmRange }), part));
    rows += Number(result.getRows()[0]?.[0] ?? 0);
  }
  await joinBilledParts(db, parts, target);
  for (const part of [...parts, ...gatheredFiles(target)]) await rm(part, { force: true });
  return rows;
}

/**
 * The contracts of a month's Parquet (`writeBillingParquet`), in batches and in the file's order,
 * the query's (PRM, contract): a month is billed once, then read back without holding it all in
 * memory nor sorting it again.
 */
export async function* writtenContracts(db: DuckDBConnection, file: string): AsyncGenerator<ContractMonth[]> {
  await db.run('SET preserve_insertion_order = true');
  try {
    const result = await db.stream(`SELECT * FROM read_parquet(${sqlString(file)})`);
    for await (const rows of result.yieldRowObjectJson()) yield contractMonthsOf(rows);
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
}
