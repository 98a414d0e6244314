/**
 * A month's billing elements (`month-sql.ts`) computed by DuckDB and read as the JSON shape of
 * `courant billing --format json` and the API: one object per contract, amounts in euros with two
 * decimals (exact DECIMALs in the query, read as their text), problems named, never a crash.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';
import { copyToParquetSql } from '../duckdb/copy.js';
import { billingMonthSql, type MonthSqlInput } from './month-sql.js';
import type { Rates } from './rates.js';
import { ratesTablesSql } from './rates-sql.js';

const amount = z
  .union([z.string(), z.number()])
  .nullable()
  .transform((v) => (v === null ? null : Number(v)));
const kwh = z
  .union([z.string(), z.number(), z.bigint()])
  .nullable()
  .transform((v) => (v === null ? null : Number(v)));

const rowSchema = z.object({
  prm: z.string(),
  contract: z.string().nullable(),
  fta: z.string().nullable(),
  days: z.number().int(),
  mean_kva: z.number().nullable(),
  periods: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      days: z.number().int(),
      fta: z.string().nullable(),
      kva: z.number().nullable(),
      turpeFixedEur: amount,
    }),
  ),
  hph: kwh,
  hch: kwh,
  hpb: kwh,
  hcb: kwh,
  hp: kwh,
  hc: kwh,
  base: kwh,
  quality: z.enum(['real', 'estimated', 'missing']).nullable(),
  turpe_fixed_eur: amount,
  turpe_variable_eur: amount,
  cta_eur: amount,
  problems: z.array(z.object({ code: z.string(), message: z.string() })),
  note: z.string(),
});

export interface ContractMonth {
  readonly prm: string;
  readonly contract: string | null;
  readonly fta: string | null;
  readonly days: number;
  readonly meanKva: number | null;
  readonly periods: z.infer<typeof rowSchema>['periods'];
  readonly energyKWh: Readonly<Record<'base' | 'hp' | 'hc' | 'hph' | 'hch' | 'hpb' | 'hcb', number | null>>;
  readonly turpeFixedEur: number | null;
  readonly turpeVariableEur: number | null;
  readonly ctaEur: number | null;
  /** `real`, `estimated`, `missing`; null for a row with no supplied day. */
  readonly quality: 'real' | 'estimated' | 'missing' | null;
  readonly problems: Array<{ code: string; message: string }>;
  readonly note: string;
}

export interface BillingMonth {
  readonly month: string;
  readonly contracts: readonly ContractMonth[];
}

async function withRates(db: DuckDBConnection, rates: Rates): Promise<void> {
  for (const statement of ratesTablesSql(rates)) await db.run(statement);
}

/** The rows of a billing relation (the month query's columns) as the JSON shape's contracts. */
function contractMonths(rows: unknown): ContractMonth[] {
  return z
    .array(rowSchema)
    .parse(rows)
    .map((r) => ({
      prm: r.prm,
      contract: r.contract,
      fta: r.fta,
      days: r.days,
      meanKva: r.mean_kva,
      periods: r.periods,
      energyKWh: { base: r.base, hp: r.hp, hc: r.hc, hph: r.hph, hch: r.hch, hpb: r.hpb, hcb: r.hcb },
      turpeFixedEur: r.turpe_fixed_eur,
      turpeVariableEur: r.turpe_variable_eur,
      ctaEur: r.cta_eur,
      quality: r.quality,
      problems: r.problems,
      note: r.note,
    }));
}

/** The month's billing elements, for `input`'s files and PRMs (see `month-sql.ts`). */
export async function billMonth(db: DuckDBConnection, rates: Rates, input: MonthSqlInput): Promise<BillingMonth> {
  await withRates(db, rates);
  const rows = (await db.runAndReadAll(billingMonthSql(input))).getRowObjectsJson();
  return { month: input.month, contracts: contractMonths(rows) };
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
 * contract): the same objects `billMonth` gives for the same stored days.
 */
export async function readBillingParquet(
  db: DuckDBConnection,
  file: string,
  page: BillingPage,
): Promise<ContractMonth[]> {
  const only = page.prms.length === 0 ? '' : `AND prm IN (${page.prms.map(sqlString).join(', ')})`;
  const problems = page.withProblems === true ? 'AND len(problems) > 0' : '';
  const rows = await db.runAndReadAll(
    `SELECT * FROM read_parquet(${sqlString(file)}) WHERE true ${only} ${problems} ORDER BY prm, contract NULLS FIRST
     LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`,
  );
  return contractMonths(rows.getRowObjectsJson());
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
  return contractMonths(rows).map((row, i) => ({ ...row, month: months[i]?.month ?? '' }));
}

/** Writes the month's billing elements as Parquet at `target` (the query's columns); resolves to the rows written. */
export async function writeBillingParquet(
  db: DuckDBConnection,
  rates: Rates,
  input: MonthSqlInput,
  target: string,
): Promise<number> {
  await withRates(db, rates);
  const result = await db.runAndReadAll(copyToParquetSql(billingMonthSql(input), target));
  return Number(result.getRows()[0]?.[0] ?? 0);
}
