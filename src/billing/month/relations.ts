/**
 * The pieces a month's billing query is built of: named relations (common table expressions),
 * each reading the relations before it by name, and the values every stage shares (the month's
 * bounds, the PRMs it bills, the Paris time zone).
 */
import { sqlString } from '../../duckdb/columns.js';
import { PARTITION_TIMEZONE } from '../../workflow-safe/partition.js';

/** A named relation of the month's query: later relations and the final select read it by `name`. */
export interface Relation {
  readonly name: string;
  readonly sql: string;
  /** Computed once, however often it is read (DuckDB inlines a relation read twice otherwise). */
  readonly materialized?: boolean;
}

/** `WITH` the relations, in order, then `select`. */
export function withRelations(relations: readonly Relation[], select: string): string {
  const named = relations.map((r) => `${r.name} AS ${r.materialized === true ? 'MATERIALIZED ' : ''}(${r.sql})`);
  return `WITH ${named.join(',\n')}\n${select}`;
}

/** What every stage of one month's query needs. */
export interface MonthScope {
  /** `YYYY-MM`. */
  readonly month: string;
  /** DATE literals: the month's first day, and the first day of the next. */
  readonly start: string;
  readonly end: string;
  /** The Paris time zone as an SQL string. */
  readonly zone: string;
  /** `AND column …` keeping the PRMs the query bills (nothing when it bills all). */
  only(column: string): string;
  /** The instant 00:00 Paris of the DATE `day`. */
  midnight(day: string): string;
  /** A DATE as `YYYY-MM-DD` text. */
  day(date: string): string;
}

export interface MonthScopeInput {
  readonly month: string;
  /** Only these PRMs (all when empty). */
  readonly prms: readonly string[];
  /** Only the PRMs from `from` (included) to `to` (excluded), each bound absent: unbounded. */
  readonly prmRange?: { readonly from: string | null; readonly to: string | null };
}

export function monthScope(input: MonthScopeInput): MonthScope {
  const zone = sqlString(PARTITION_TIMEZONE);
  return {
    month: input.month,
    start: `DATE '${input.month}-01'`,
    end: `(DATE '${input.month}-01' + INTERVAL 1 MONTH)::DATE`,
    zone,
    only: (column) =>
      [
        input.prms.length === 0 ? '' : `AND ${column} IN (${input.prms.map(sqlString).join(', ')})`,
        input.prmRange?.from == null ? '' : `AND ${column} >= ${sqlString(input.prmRange.from)}`,
        input.prmRange?.to == null ? '' : `AND ${column} < ${sqlString(input.prmRange.to)}`,
      ].join(' '),
    midnight: (day) => `timezone(${zone}, (${day})::TIMESTAMP)`,
    day: (date) => `strftime(${date}, '%Y-%m-%d')`,
  };
}

/**
 * `exact ÷ divisor` rounded half up to an integer, for a DECIMAL `exact` ≥ 0 of at most 9 decimals
 * (a rate's 6 times a kVA's 3) and an integer `divisor` > 0: in HUGEINT units of 10⁻⁹, exact.
 */
export const halfUp = (exact: string, divisor: string) =>
  `((2 * ((${exact})::DECIMAL(38, 9) * 1000000000)::HUGEINT + (${divisor})::HUGEINT * 1000000000)
     // (2 * (${divisor})::HUGEINT * 1000000000))`;

/** Whole cents as exact euros. */
export const euros = (cents: string) => `((${cents})::DECIMAL(18, 0) * 0.01)::DECIMAL(18, 2)`;

/** A kVA as text without trailing zeros (`6.000` → `6`, `6.500` → `6.5`). */
export const KVA_TEXT = `rtrim(rtrim(kva::VARCHAR, '0'), '.')`;

/**
 * `list(value ORDER BY keys…)`, as a plain list sorted after: an ordered aggregate sorts each group
 * on its own, slow over a hundred thousand groups. Ties on the keys are ordered by the values.
 */
export const sortedList = (value: string, keys: readonly string[], filter = '') =>
  `list_transform(list_sort(list({${keys.map((k, i) => `'k${i}': ${k}`).join(', ')}, 'v': ${value}})${filter === '' ? '' : ` FILTER (WHERE ${filter})`}), x -> x.v)`;
