/**
 * Runs a dataset's quality checks over a day's Parquet tables with DuckDB: each check's query gives
 * the observed value and the rows involved, its limit decides, and a failed check keeps a sample
 * of the offending rows. A query that cannot run is a QualityCheckBroken error naming the check
 * (retried: a worker with the fixed query heals it), never a silent pass.
 */
import { stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QualityCheck, QualityContext } from '../datasets/capabilities/quality-checks.js';
import type { RowCounts } from '../workflow-safe/day-records.js';
import { sqlString } from '../duckdb/columns.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { parisDayBounds } from '../workflow-safe/partition.js';
import type { CheckResult } from '../workflow-safe/quality.js';
import { costStage } from '../cost/ledger.js';

const SAMPLE_ROWS = 5;

export class QualityCheckBrokenError extends Error {
  override readonly name = 'QualityCheckBrokenError';
  readonly type = ErrorType.QualityCheckBroken;
}

/** A day of the checks: what {@link ChecksInput} holds of one day. */
export type DayToCheck<TConfig> = Pick<ChecksInput<TConfig>, 'date' | 'tables' | 'previous' | 'accept' | 'rows'>;

export interface ChecksInput<TConfig> {
  readonly checks: readonly QualityCheck<TConfig>[];
  readonly date: string;
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  /** The day's tables: local path and storage key, by table name. */
  readonly tables: Readonly<Record<string, { readonly path: string; readonly key: string }>>;
  /** Tables of the day before that the checks read (`previousDay`), those stored: local path by table name. */
  readonly previous: Readonly<Record<string, string>>;
  /** Names of failed `block` checks accepted by an operator for this run. */
  readonly accept: readonly string[];
  /** The transform's row counts of the day. */
  readonly rows: RowCounts;
}

/** `≥ 1 and ≤ 2 MW`, `≤ 0.05`… */
export function thresholdText(limit: QualityCheck<unknown>['limit']): string {
  const parts = [
    ...(limit.min === undefined ? [] : [`≥ ${limit.min}`]),
    ...(limit.max === undefined ? [] : [`≤ ${limit.max}`]),
  ];
  return `${parts.join(' and ')}${limit.unit ? ` ${limit.unit}` : ''}`;
}

function within(observed: number | null, limit: QualityCheck<unknown>['limit']): boolean {
  if (observed === null) return true;
  return (limit.min === undefined || observed >= limit.min) && (limit.max === undefined || observed <= limit.max);
}

/** The query's number (DuckDB gives big integers and decimals as text); anything else is a broken check. */
function observedNumber(check: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) {
    throw new QualityCheckBrokenError(`quality check ${check}: its query gave ${JSON.stringify(value)}, not a number`);
  }
  return n;
}

export async function rowsOf(
  db: DuckDBConnection,
  check: string,
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  try {
    return (await db.runAndReadAll(sql)).getRowObjectsJson();
  } catch (error) {
    throw new QualityCheckBrokenError(`quality check ${check}: its query failed: ${sql.trim()}`, { cause: error });
  }
}

/**
 * Tables no larger than this are read once into memory for the checks (a day of eCO2mix is 6 KB);
 * a larger one (a day of millions of smart-meter readings) is read from its file by each query.
 */
export const LOADED_TABLE_MAX_BYTES = 16 * 1024 * 1024;

/** The tables the checks' queries name, of the day and of the day before. */
export function tablesNamed<TConfig>(input: ChecksInput<TConfig>): { day: Set<string>; previous: Set<string> } {
  const named = { day: new Set<string>(), previous: new Set<string>() };
  const recording: QualityContext<TConfig> = {
    date: input.date,
    config: input.config,
    rows: input.rows,
    hours: 24,
    table: (name) => (named.day.add(name), name),
    previous: (name) => (named.previous.add(name), name),
    shared: (_name, sql) => `(${sql})`,
  };
  for (const check of input.checks) {
    check.observe(recording);
    check.offending?.(recording);
  }
  return named;
}

/**
 * What each query reads a table from, by name: a temporary table that the file was read into once
 * (a check may read a table many times in one query), or the file itself when it is large.
 */
async function loadTables(
  db: DuckDBConnection,
  prefix: string,
  paths: Readonly<Record<string, string>>,
  named: ReadonlySet<string>,
): Promise<{ readonly from: Record<string, string>; readonly loaded: string[] }> {
  const from: Record<string, string> = {};
  const loaded: string[] = [];
  for (const [table, file] of Object.entries(paths)) {
    if (!named.has(table) || (await stat(file)).size > LOADED_TABLE_MAX_BYTES) {
      from[table] = `read_parquet(${sqlString(file)})`;
      continue;
    }
    const name = `quality_${prefix}${table.replace(/[^A-Za-z0-9_]/g, '_')}`;
    await db.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT * FROM read_parquet(${sqlString(file)})`);
    from[table] = name;
    loaded.push(name);
  }
  return { from, loaded };
}

/** The results of every check, in the module's order. */
export async function runChecks<TConfig>(input: ChecksInput<TConfig>): Promise<CheckResult[]> {
  const { db } = input;
  const named = tablesNamed(input);
  const paths = Object.fromEntries(Object.entries(input.tables).map(([name, t]) => [name, t.path]));
  const tables = await costStage('load tables', () => loadTables(db, '', paths, named.day));
  const previous = await loadTables(db, 'previous_', input.previous, named.previous);
  const shared = new Map<string, string>();
  try {
    await costStage('shared results', () => computeShared(input, tables.from, previous.from, shared));
    return await checksOver(input, tables.from, previous.from, shared);
  } finally {
    for (const name of [...tables.loaded, ...previous.loaded, ...shared.values()])
      await db.run(`DROP TABLE IF EXISTS ${name}`);
  }
}

/**
 * Computes each result the checks share (`QualityContext.shared`) once, into a temporary table
 * added to `shared` by its name. Two checks naming one result with different SQL are a broken check.
 */
async function computeShared<TConfig>(
  input: ChecksInput<TConfig>,
  tables: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, string>>,
  shared: Map<string, string>,
): Promise<void> {
  const wanted = new Map<string, string>();
  const collecting = contextOf(input, input.config, tables, previous, (name, sql) => {
    const known = wanted.get(name);
    if (known !== undefined && known !== sql)
      throw new QualityCheckBrokenError(`the checks name the shared result ${name} with two different queries`);
    wanted.set(name, sql);
    return `(${sql})`;
  });
  for (const check of input.checks) {
    check.observe(collecting);
    check.offending?.(collecting);
  }
  for (const [name, sql] of wanted) {
    const table = `quality_shared_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    try {
      await input.db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`);
    } catch (error) {
      throw new QualityCheckBrokenError(`the checks' shared result ${name} failed: ${sql.trim()}`, { cause: error });
    }
    shared.set(name, table);
  }
}

/** The checks' view of a day: its tables and those of the day before, by what a query reads them from. */
export function contextOf<TConfig>(
  day: { readonly date: string; readonly rows: RowCounts },
  config: TConfig,
  tables: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, string>>,
  shared: QualityContext<TConfig>['shared'] = (_name, sql) => `(${sql})`,
): QualityContext<TConfig> {
  const { start, end } = parisDayBounds(day.date);
  return {
    date: day.date,
    config,
    rows: day.rows,
    hours: Math.round((end.getTime() - start.getTime()) / 3_600_000),
    table: (name) => {
      const table = tables[name];
      if (!table)
        throw new QualityCheckBrokenError(`the day has no table ${name} (it has ${Object.keys(tables).join(', ')})`);
      return table;
    },
    previous: (name) => previous[name] ?? null,
    shared,
  };
}

/** A check's result from its observed row; a failed check's sample read by its `offending` query. */
export async function resultOf<TConfig>(
  db: DuckDBConnection,
  check: QualityCheck<TConfig>,
  context: QualityContext<TConfig>,
  row: Record<string, unknown> | undefined,
  day: { readonly tables: ChecksInput<TConfig>['tables']; readonly accept: readonly string[] },
): Promise<CheckResult> {
  const observed = observedNumber(check.name, row?.observed);
  const passed = within(observed, check.limit);
  const sample =
    passed || !check.offending
      ? []
      : await rowsOf(db, check.name, `SELECT * FROM (${check.offending(context)}) LIMIT ${SAMPLE_ROWS}`);
  return {
    name: check.name,
    severity: check.severity,
    description: check.description,
    passed,
    observed,
    threshold: thresholdText(check.limit),
    rowsInvolved: passed ? 0 : (observedNumber(check.name, row?.involved) ?? 0),
    sample,
    file: day.tables[check.table]?.key ?? check.table,
    accepted: !passed && check.severity === 'block' && day.accept.includes(check.name),
  };
}

/** Every check over the tables loaded in memory. */
async function checksOver<TConfig>(
  input: ChecksInput<TConfig>,
  tables: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, string>>,
  shared: ReadonlyMap<string, string>,
): Promise<CheckResult[]> {
  const context = contextOf(input, input.config, tables, previous, (name, sql) => shared.get(name) ?? `(${sql})`);
  const results: CheckResult[] = [];
  for (const check of input.checks) {
    const [row] = await costStage(`check ${check.name}`, () => rowsOf(input.db, check.name, check.observe(context)));
    results.push(await resultOf(input.db, check, context, row, input));
  }
  return results;
}
