/**
 * What moved between two versions of a month (docs/billing.md, "Corrections"): the contracts whose
 * figures differ between the two Parquets, matched by PRM and contract, each with its figures
 * before and after and the delta of each amount in euros — exact, DECIMAL(18, 2) minus DECIMAL(18,
 * 2), never a float. A contract only in the later version appeared (its deltas are its amounts),
 * one only in the earlier disappeared (their negatives); a delta is null where either side's amount
 * was not computed. Rows of no contract are never billed and not compared. Read from the stored
 * versions, never billed again.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';

/** The figures compared: JSON name and its value on the rows of `side` (a table alias). */
const FIGURES = {
  days: (side: string) => `${side}.days`,
  meanKva: (side: string) => `${side}.mean_kva`,
  energyBaseKWh: (side: string) => `${side}.base`,
  energyHpKWh: (side: string) => `${side}.hp`,
  energyHcKWh: (side: string) => `${side}.hc`,
  turpeFixedEur: (side: string) => `${side}.turpe_fixed_eur::DOUBLE`,
  turpeVariableEur: (side: string) => `${side}.turpe_variable_eur::DOUBLE`,
  ctaEur: (side: string) => `${side}.cta_eur::DOUBLE`,
  quality: (side: string) => `${side}.quality`,
  problems: (side: string) => `list_sort(list_distinct(list_transform(${side}.problems, p -> p.code)))`,
} as const;
const AMOUNTS = {
  turpeFixedEur: 'turpe_fixed_eur',
  turpeVariableEur: 'turpe_variable_eur',
  ctaEur: 'cta_eur',
} as const;
const figures = Object.entries(FIGURES);

/** Euros: exact DECIMAL(18, 2) in the Parquet, given as the number of its two-decimal text. */
const euros = z.number().nullable();
const figuresSchema = z.object({
  days: z.number().int(),
  meanKva: z.number().nullable(),
  energyBaseKWh: z.number().nullable(),
  energyHpKWh: z.number().nullable(),
  energyHcKWh: z.number().nullable(),
  turpeFixedEur: euros,
  turpeVariableEur: euros,
  ctaEur: euros,
  quality: z.string().nullable(),
  problems: z.array(z.string()),
});
export type MonthFigures = z.infer<typeof figuresSchema>;

export const contractChangeSchema = z.object({
  prm: z.string(),
  contract: z.string(),
  change: z.enum(['moved', 'appeared', 'disappeared']),
  before: figuresSchema.nullable(),
  after: figuresSchema.nullable(),
  /** After minus before, in euros, exact to the cent; null where either side was not computed. */
  deltaEur: z.object({ turpeFixedEur: euros, turpeVariableEur: euros, ctaEur: euros }),
});
export type ContractChange = z.infer<typeof contractChangeSchema>;

/** The figures of `side` as one struct, null when the contract is not in that version. */
const figuresOf = (side: string) =>
  `CASE WHEN ${side}.prm IS NULL THEN NULL ELSE {${figures.map(([name, of]) => `'${name}': ${of(side)}`).join(', ')}} END`;

/**
 * After minus before of one amount, in DECIMAL (exact) before it is given as a number: the amount
 * itself for a contract that appeared, its negative for one that disappeared.
 */
const deltaOf = (column: 'turpe_fixed_eur' | 'turpe_variable_eur' | 'cta_eur') =>
  `(CASE WHEN a.prm IS NULL THEN b.${column} WHEN b.prm IS NULL THEN -a.${column} ELSE b.${column} - a.${column} END)::DOUBLE`;

/** Which changes to read: `limit` contracts from `offset`, in PRM and contract order (all by default). */
export interface ChangesPage {
  readonly offset: number;
  readonly limit: number;
}

/**
 * Each contract whose figures differ between the month's Parquets `beforeFile` and `afterFile`:
 * its PRM and contract (to order by) and its JSON text (DuckDB's `to_json`: the rows never become
 * JavaScript objects on the way).
 */
function changesJsonSql(beforeFile: string, afterFile: string): string {
  const side = (file: string) => `SELECT * FROM read_parquet(${sqlString(file)}) WHERE contract IS NOT NULL`;
  const tuple = (side: string) => `(${figures.map(([, of]) => of(side)).join(', ')})`;
  const deltas = Object.entries(AMOUNTS)
    .map(([name, column]) => `'${name}': ${deltaOf(column)}`)
    .join(', ');
  return `
    WITH a AS (${side(beforeFile)}), b AS (${side(afterFile)})
    SELECT coalesce(b.prm, a.prm) AS prm, coalesce(b.contract, a.contract) AS contract, to_json({
        'prm': coalesce(b.prm, a.prm), 'contract': coalesce(b.contract, a.contract),
        'change': CASE WHEN a.prm IS NULL THEN 'appeared' WHEN b.prm IS NULL THEN 'disappeared' ELSE 'moved' END,
        'before': ${figuresOf('a')}, 'after': ${figuresOf('b')}, 'deltaEur': {${deltas}}
      })::VARCHAR AS change
    FROM a FULL OUTER JOIN b ON a.prm = b.prm AND a.contract = b.contract
    WHERE a.prm IS NULL OR b.prm IS NULL OR ${tuple('a')} IS DISTINCT FROM ${tuple('b')}`;
}

/**
 * The changes between `beforeFile` and `afterFile` (see `changesJsonSql`), each read and checked,
 * a page of them when `page` is given, with how many contracts moved in all (counted by the same
 * query; 0 when the page starts past the last).
 */
export async function monthChanges(
  db: DuckDBConnection,
  beforeFile: string,
  afterFile: string,
  page?: ChangesPage,
): Promise<{ contracts: ContractChange[]; moved: number }> {
  const rows = (
    await db.runAndReadAll(
      `SELECT change, count(*) OVER ()::INTEGER AS moved FROM (${changesJsonSql(beforeFile, afterFile)}) ORDER BY prm, contract
       ${page === undefined ? '' : `LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`}`,
    )
  ).getRows();
  return {
    contracts: rows.map((row) => contractChangeSchema.parse(JSON.parse(String(row[0])))),
    moved: Number(rows[0]?.[1] ?? 0),
  };
}

/** The changes' JSON texts in batches, for a writer that streams them whole (`courant billing --changes --format json`). */
export async function* monthChangesJson(
  db: DuckDBConnection,
  beforeFile: string,
  afterFile: string,
): AsyncGenerator<string[]> {
  const result = await db.stream(
    `SELECT change FROM (${changesJsonSql(beforeFile, afterFile)}) ORDER BY prm, contract`,
  );
  for await (const rows of result.yieldRows()) yield rows.map((row) => String(row[0]));
}
