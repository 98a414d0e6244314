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

/** The figures compared: JSON name and the column of a version's rows (see `sideSql`). */
const FIGURES = {
  days: 'days',
  meanKva: 'mean_kva',
  energyBaseKWh: 'base',
  energyHpKWh: 'hp',
  energyHcKWh: 'hc',
  turpeFixedEur: 'turpe_fixed_eur',
  turpeVariableEur: 'turpe_variable_eur',
  ctaEur: 'cta_eur',
  quality: 'quality',
  problems: 'problem_codes',
} as const;
const AMOUNTS = {
  turpeFixedEur: 'turpe_fixed_eur',
  turpeVariableEur: 'turpe_variable_eur',
  ctaEur: 'cta_eur',
} as const;
const figures = Object.entries(FIGURES);
const amountColumns: ReadonlySet<string> = new Set(Object.values(AMOUNTS));

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

/** The figures of `side` as one struct, null when the contract is not in that version; euros as numbers. */
const figuresOf = (side: string) =>
  `CASE WHEN ${side}.prm IS NULL THEN NULL ELSE {${figures
    .map(([name, column]) => `'${name}': ${side}.${column}${amountColumns.has(column) ? '::DOUBLE' : ''}`)
    .join(', ')}} END`;

/**
 * The rows of a version's Parquet `file` billed to a contract, with their problems' codes (distinct,
 * sorted): `columns` of them, every figure compared when `narrow`.
 */
const sideSql = (file: string, columns: 'all' | 'narrow', where = 'true') =>
  `SELECT ${columns === 'all' ? '*' : ['prm', 'contract', ...figures.filter(([, c]) => c !== FIGURES.problems).map(([, c]) => c)].join(', ')},
     list_sort(list_distinct(list_transform(problems, p -> p.code))) AS ${FIGURES.problems}
   FROM read_parquet(${sqlString(file)}) WHERE contract IS NOT NULL AND ${where}`;

/**
 * The join of the two versions' rows `a` (before) and `b` (after) by PRM and contract, kept where
 * the contract moved: in one version only, or a figure differs (exact, the euros as DECIMAL).
 */
const movedJoin = `FROM a FULL OUTER JOIN b ON a.prm = b.prm AND a.contract = b.contract
  WHERE a.prm IS NULL OR b.prm IS NULL OR ${figures.map(([, column]) => `a.${column} IS DISTINCT FROM b.${column}`).join(' OR ')}`;

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
 * unordered: its PRM and contract, and the rest of a `ContractChange` as columns of that name;
 * only the PRMs `where` keeps (SQL over a version's columns) when given.
 */
function changesSql(beforeFile: string, afterFile: string, where?: string): string {
  const deltas = Object.entries(AMOUNTS)
    .map(([name, column]) => `'${name}': ${deltaOf(column)}`)
    .join(', ');
  return `
    WITH a AS (${sideSql(beforeFile, 'all', where)}), b AS (${sideSql(afterFile, 'all', where)})
    SELECT coalesce(b.prm, a.prm) AS prm, coalesce(b.contract, a.contract) AS contract,
      CASE WHEN a.prm IS NULL THEN 'appeared' WHEN b.prm IS NULL THEN 'disappeared' ELSE 'moved' END AS change,
      ${figuresOf('a')} AS before, ${figuresOf('b')} AS after, {${deltas}} AS deltaEur
    ${movedJoin}`;
}

/** A change's JSON text from the columns of `changesSql` (DuckDB's `to_json`: no JavaScript object on the way). */
const CHANGE_JSON = `to_json({'prm': prm, 'contract': contract, 'change': change, 'before': before,
     'after': after, 'deltaEur': deltaEur})::VARCHAR`;

/** The changes (`changesSql`) with each one's JSON text. */
const changesJsonSql = (beforeFile: string, afterFile: string) =>
  `SELECT prm, contract, ${CHANGE_JSON} AS change FROM (${changesSql(beforeFile, afterFile)})`;

/**
 * The changes between `beforeFile` and `afterFile` (see `changesJsonSql`), each read and checked,
 * a page of them when `page` is given (`pageOfChanges`), with how many contracts moved in all
 * (counted by the same query).
 */
export async function monthChanges(
  db: DuckDBConnection,
  beforeFile: string,
  afterFile: string,
  page?: ChangesPage,
): Promise<{ contracts: ContractChange[]; moved: number }> {
  if (page !== undefined) return pageOfChanges(db, beforeFile, afterFile, page);
  const rows = (
    await db.runAndReadAll(
      `SELECT change, count(*) OVER ()::INTEGER AS moved FROM (${changesJsonSql(beforeFile, afterFile)}) ORDER BY prm, contract`,
    )
  ).getRows();
  return {
    contracts: rows.map((row) => contractChangeSchema.parse(JSON.parse(String(row[0])))),
    moved: Number(rows[0]?.[1] ?? 0),
  };
}

/**
 * A page of the changes in two passes, so that the month's rows are joined whole for the page's
 * PRMs only: the contracts that moved are found and counted on the figures compared alone (no
 * struct, no JSON), then the changes of the page's contracts are made from their PRMs' rows (a
 * range of the files' PRM order, which DuckDB skips to). `moved` counts them all, a page past the last too.
 */
async function pageOfChanges(
  db: DuckDBConnection,
  beforeFile: string,
  afterFile: string,
  page: ChangesPage,
): Promise<{ contracts: ContractChange[]; moved: number }> {
  const keys = (
    await db.runAndReadAll(`
      WITH a AS (${sideSql(beforeFile, 'narrow')}), b AS (${sideSql(afterFile, 'narrow')}),
        moved AS MATERIALIZED (SELECT coalesce(b.prm, a.prm) AS prm, coalesce(b.contract, a.contract) AS contract ${movedJoin})
      SELECT total, prm, contract FROM (SELECT count(*)::INTEGER AS total FROM moved)
        LEFT JOIN (SELECT * FROM moved ORDER BY prm, contract LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}) ON true
      ORDER BY prm, contract`)
  ).getRows();
  const moved = Number(keys[0]?.[0] ?? 0);
  // A page past the last is one row of the count, its keys null.
  const pageKeys = keys.flatMap(([, prm, contract]) =>
    prm === null ? [] : [[String(prm), String(contract)] as const],
  );
  const [first, last] = [pageKeys[0]?.[0], pageKeys.at(-1)?.[0]];
  if (first === undefined || last === undefined) return { contracts: [], moved };
  const prms = `prm BETWEEN ${sqlString(first)} AND ${sqlString(last)}`;
  const pairs = pageKeys.map(([prm, contract]) => `(${sqlString(prm)}, ${sqlString(contract)})`);
  const rows = (
    await db.runAndReadAll(
      `SELECT ${CHANGE_JSON} FROM (${changesSql(beforeFile, afterFile, prms)})
       WHERE (prm, contract) IN (${pairs.join(', ')}) ORDER BY prm, contract`,
    )
  ).getRows();
  return { contracts: rows.map((row) => contractChangeSchema.parse(JSON.parse(String(row[0])))), moved };
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
