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
import { copyToJsonLinesSql } from '../duckdb/copy.js';

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
  problems: (side: string) => `${side}.problem_codes`,
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
 * Each contract whose figures differ between the month's Parquets `beforeFile` and `afterFile`,
 * unordered: its PRM and contract, and the rest of a `ContractChange` as columns of that name.
 */
function changesSql(beforeFile: string, afterFile: string): string {
  const side = (file: string) =>
    `SELECT *, list_sort(list_distinct(list_transform(problems, p -> p.code))) AS problem_codes FROM read_parquet(${sqlString(file)}) WHERE contract IS NOT NULL`;
  const tuple = (side: string) => `(${figures.map(([, of]) => of(side)).join(', ')})`;
  const deltas = Object.entries(AMOUNTS)
    .map(([name, column]) => `'${name}': ${deltaOf(column)}`)
    .join(', ');
  return `
    WITH a AS (${side(beforeFile)}), b AS (${side(afterFile)})
    SELECT coalesce(b.prm, a.prm) AS prm, coalesce(b.contract, a.contract) AS contract,
      CASE WHEN a.prm IS NULL THEN 'appeared' WHEN b.prm IS NULL THEN 'disappeared' ELSE 'moved' END AS change,
      ${figuresOf('a')} AS before, ${figuresOf('b')} AS after, {${deltas}} AS deltaEur
    FROM a FULL OUTER JOIN b ON a.prm = b.prm AND a.contract = b.contract
    WHERE a.prm IS NULL OR b.prm IS NULL OR ${tuple('a')} IS DISTINCT FROM ${tuple('b')}`;
}

/** A change's JSON text from the columns of `changesSql` (DuckDB's `to_json`: no JavaScript object on the way). */
const CHANGE_JSON = `to_json({'prm': prm, 'contract': contract, 'change': change, 'before': before,
     'after': after, 'deltaEur': deltaEur})::VARCHAR`;

/** The changes (`changesSql`) with each one's JSON text. */
const changesJsonSql = (beforeFile: string, afterFile: string) =>
  `SELECT prm, contract, ${CHANGE_JSON} AS change FROM (${changesSql(beforeFile, afterFile)})`;

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
  // A page's JSON is made for its own rows only, after the others are counted and left.
  const rows = (
    await db.runAndReadAll(
      page === undefined
        ? `SELECT change, count(*) OVER ()::INTEGER AS moved FROM (${changesJsonSql(beforeFile, afterFile)}) ORDER BY prm, contract`
        : `SELECT ${CHANGE_JSON} AS change, moved FROM (
             SELECT *, count(*) OVER ()::INTEGER AS moved FROM (${changesSql(beforeFile, afterFile)})
             ORDER BY prm, contract LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)})
           ORDER BY prm, contract`,
    )
  ).getRows();
  return {
    contracts: rows.map((row) => contractChangeSchema.parse(JSON.parse(String(row[0])))),
    moved: Number(rows[0]?.[1] ?? 0),
  };
}

/**
 * Writes the changes to `file`, the JSON text of each on a line (as `to_json` gives it), in PRM and
 * contract order: DuckDB's JSON writer makes all of it, so that a month's changes never cross into
 * JavaScript row by row (`courant billing --changes --format json` sends the file on).
 */
export async function writeMonthChangesJson(
  db: DuckDBConnection,
  beforeFile: string,
  afterFile: string,
  file: string,
): Promise<void> {
  await db.run(
    copyToJsonLinesSql(
      `SELECT prm, contract, change, before, after, deltaEur FROM (${changesSql(beforeFile, afterFile)}) ORDER BY prm, contract`,
      file,
    ),
  );
}
