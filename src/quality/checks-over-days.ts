/**
 * The quality checks of many days at once (a ranged run's days), each day's results those
 * runChecks gives it alone. The days' tables are loaded into one table each, every row carrying
 * its day (`check_day`), and each check is asked of all the days in one query: its own SQL as a
 * LATERAL subquery over the days, the tables it reads narrowed to the day by correlation, which
 * DuckDB plans once and runs as one grouped pass instead of a query a day. Days whose SQL differs
 * (another length of day, no day before stored) are asked apart. Observed values are read as text,
 * so each day's number is the one its own query gives. Tables too large to hold in memory, or a
 * day without a table the checks read, are checked day by day.
 */
import { stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QualityCheck, QualityContext } from '../datasets/capabilities/quality-checks.js';
import { sqlString } from '../duckdb/columns.js';
import type { CheckResult } from '../workflow-safe/quality.js';
import { costStage } from '../cost/ledger.js';
import {
  LOADED_TABLE_MAX_BYTES,
  contextOf,
  resultOf,
  rowsOf,
  runChecks,
  tablesNamed,
  type DayToCheck,
} from './run-checks.js';

interface ChecksOverDays<TConfig> {
  readonly checks: readonly QualityCheck<TConfig>[];
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  readonly days: readonly DayToCheck<TConfig>[];
}

/** Each day's results, in the checks' order. */
export async function runChecksOverDays<TConfig>(input: ChecksOverDays<TConfig>): Promise<Map<string, CheckResult[]>> {
  const { checks, config, db, days } = input;
  const named = { day: new Set<string>(), previous: new Set<string>() };
  for (const day of days) {
    const one = tablesNamed({ ...day, checks, config, db });
    for (const name of one.day) named.day.add(name);
    for (const name of one.previous) named.previous.add(name);
  }
  if (!(await allHeldInMemory(days, named))) {
    const results = new Map<string, CheckResult[]>();
    for (const day of days) results.set(day.date, await runChecks({ ...day, checks, config, db }));
    return results;
  }
  const tables = await costStage('load tables', () => loadDays(db, days, named));
  try {
    return await checksOverLoaded(input, tables);
  } finally {
    for (const name of [...tables.day.values(), ...tables.previous.values()])
      await db.run(`DROP TABLE IF EXISTS ${name}`);
  }
}

/** Every table the checks read is there for every day, and small enough to load. */
async function allHeldInMemory(
  days: readonly DayToCheck<unknown>[],
  named: { readonly day: ReadonlySet<string>; readonly previous: ReadonlySet<string> },
): Promise<boolean> {
  for (const day of days) {
    const files = [
      ...[...named.day].map((name) => day.tables[name]?.path),
      ...[...named.previous].flatMap((name) => (day.previous[name] === undefined ? [] : [day.previous[name]])),
    ];
    for (const file of files) if (file === undefined || (await stat(file)).size > LOADED_TABLE_MAX_BYTES) return false;
  }
  return true;
}

interface LoadedDays {
  /** The table holding every day's rows of a table, by the table's name. */
  readonly day: ReadonlyMap<string, string>;
  /** Likewise the tables of the days before, each row under the day it is the day before of. */
  readonly previous: ReadonlyMap<string, string>;
}

/** One statement a table: every day's file, each row with its day in `check_day`. */
async function loadDays(
  db: DuckDBConnection,
  days: readonly DayToCheck<unknown>[],
  named: { readonly day: ReadonlySet<string>; readonly previous: ReadonlySet<string> },
): Promise<LoadedDays> {
  const load = async (
    prefix: string,
    names: ReadonlySet<string>,
    fileOf: (day: DayToCheck<unknown>, name: string) => string | undefined,
  ) => {
    const loaded = new Map<string, string>();
    for (const name of names) {
      const parts = days.flatMap((day) => {
        const file = fileOf(day, name);
        return file === undefined
          ? []
          : [`SELECT ${sqlString(day.date)} AS check_day, * FROM read_parquet(${sqlString(file)})`];
      });
      if (parts.length === 0) continue;
      const table = `quality_${prefix}${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
      await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${parts.join(' UNION ALL BY NAME ')}`);
      loaded.set(name, table);
    }
    return loaded;
  };
  return {
    day: await load('range_', named.day, (day, name) => day.tables[name]?.path),
    previous: await load('range_previous_', named.previous, (day, name) => day.previous[name]),
  };
}

/** What a query reads a loaded table from for the day `day` (SQL: a column, or a date in quotes). */
const narrowed = (table: string, day: string) =>
  `(SELECT * EXCLUDE (check_day) FROM ${table} WHERE check_day = ${day})`;

/** The checks' view of a day, its tables read from the loaded ones: for the day in `day`. */
function loadedContext<TConfig>(
  config: TConfig,
  day: DayToCheck<TConfig>,
  tables: LoadedDays,
  at: string,
): QualityContext<TConfig> {
  // A table no check was seen to name is read from the day's file, as runChecks reads it (its SQL
  // then names the day's file, so that day is asked apart).
  const own = Object.fromEntries(
    Object.entries(day.tables).map(([name, { path }]) => {
      const table = tables.day.get(name);
      return [name, table === undefined ? `read_parquet(${sqlString(path)})` : narrowed(table, at)];
    }),
  );
  const previous = Object.fromEntries(
    [...tables.previous].flatMap(([name, table]) =>
      day.previous[name] === undefined ? [] : [[name, narrowed(table, at)] as const],
    ),
  );
  return contextOf(day, config, own, previous);
}

async function checksOverLoaded<TConfig>(
  input: ChecksOverDays<TConfig>,
  tables: LoadedDays,
): Promise<Map<string, CheckResult[]>> {
  const { checks, config, db, days } = input;
  /** A day's own context (its date in quotes), for its samples and for asking it alone. */
  const alone = days.map((day) => loadedContext(config, day, tables, sqlString(day.date)));
  /** A day's context as a LATERAL subquery over the days sees it (its date is `d.check_day`). */
  const correlated = days.map((day) => loadedContext(config, day, tables, 'd.check_day'));
  const results = days.map((): CheckResult[] => []);
  for (const check of checks) {
    const rows = await costStage(`check ${check.name}`, () => observedOverDays(db, check, days, correlated, alone));
    for (const [index, day] of days.entries())
      results[index]?.push(await resultOf(db, check, alone[index] as QualityContext<TConfig>, rows.get(day.date), day));
  }
  return new Map(days.map((day, index) => [day.date, results[index] ?? []]));
}

/**
 * Each day's observed row of `check`: one query for the days whose SQL is the same, else (that
 * query failing) one a day.
 */
async function observedOverDays<TConfig>(
  db: DuckDBConnection,
  check: QualityCheck<TConfig>,
  days: readonly DayToCheck<TConfig>[],
  correlated: readonly QualityContext<TConfig>[],
  alone: readonly QualityContext<TConfig>[],
): Promise<Map<string, Record<string, unknown> | undefined>> {
  const bySql = new Map<string, number[]>();
  for (const [index, context] of correlated.entries()) {
    const sql = check.observe(context);
    bySql.set(sql, [...(bySql.get(sql) ?? []), index]);
  }
  const rows = new Map<string, Record<string, unknown> | undefined>();
  for (const [sql, indexes] of bySql) {
    const dates = indexes.map((index) => days[index]?.date ?? '');
    const query =
      `SELECT d.check_day, x.observed::VARCHAR AS observed, x.involved::VARCHAR AS involved ` +
      `FROM (VALUES ${dates.map((date) => `(${sqlString(date)})`).join(', ')}) AS d(check_day), LATERAL (${sql}) AS x`;
    let read: Array<Record<string, unknown>>;
    try {
      read = (await db.runAndReadAll(query)).getRowObjectsJson();
    } catch {
      // Asked day by day: the failing day's query is then the one named (QualityCheckBroken), and
      // a query DuckDB cannot run as a LATERAL subquery still gives each day its own result.
      for (const index of indexes) {
        const context = alone[index] as QualityContext<TConfig>;
        rows.set(context.date, (await rowsOf(db, check.name, check.observe(context)))[0]);
      }
      continue;
    }
    for (const row of read) {
      const day = row.check_day;
      if (typeof day !== 'string') throw new Error(`quality check ${check.name}: its day came back as ${typeof day}`);
      rows.set(day, row);
    }
  }
  return rows;
}
