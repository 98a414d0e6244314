/** The `quality-checks` capability: data-quality checks run after a day's metrics. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RowCounts } from '../../workflow-safe/day-records.js';
import type { CheckSeverity } from '../../workflow-safe/quality.js';
import type { DatasetDefinition } from '../contract.js';

export interface QualityContext<TConfig> {
  readonly date: string;
  readonly config: TConfig;
  /** What SQL reads the day's table `name` from, in a FROM clause (a table read into memory, or `read_parquet('…')`). */
  table(name: string): string;
  /**
   * SQL reading table `name` of the day before, or null when that day has none stored; only the
   * tables a check names in {@link QualityCheck.previousDay} are there.
   */
  previous(name: string): string | null;
  /**
   * What a query reads a result from that several checks of the day share (`name`, computed by
   * `sql`): computed once for the day before the checks and held as a temporary table when the
   * day is checked alone, `sql` itself as a subquery when days are checked together.
   */
  shared(name: string, sql: string): string;
  /** Length of the Paris day: 23, 24 or 25. */
  readonly hours: number;
  /** The transform's row counts of the day. */
  readonly rows: RowCounts;
}

/**
 * A data-quality check of a dataset-day: one SQL query over the day's Parquet tables giving one
 * observed value, compared with a limit. A failed `block` check fails the day (DataQuality, not
 * retried) unless an operator accepts it; a failed `warn` check is shown in the report and status.
 */
export interface QualityCheck<TConfig> {
  /** Stable, `[a-z][a-z0-9_]*`: what `--accept-check` names. */
  readonly name: string;
  /** What it guards, one sentence. */
  readonly description: string;
  readonly severity: CheckSeverity;
  /** The observed value passes when it is ≥ min and ≤ max. */
  readonly limit: { readonly min?: number; readonly max?: number; readonly unit?: string };
  /** The table an operator should look at when the check fails. */
  readonly table: string;
  /** A table of the day before that the check compares with (read through `previous`). */
  readonly previousDay?: string;
  /** SQL giving one row: `observed` (a number; null when nothing applies: passes) and `involved` (rows breaking it). */
  observe(context: QualityContext<TConfig>): string;
  /** SQL selecting the offending rows, most telling first (the first five are kept). */
  offending?(context: QualityContext<TConfig>): string;
}

/** Runs a day's checks on a DuckDB connection of the dataset's choosing. */
export type ChecksDb = <T>(work: (db: DuckDBConnection) => Promise<T>) => Promise<T>;

export interface QualityChecksCapability<TConfig = unknown> {
  readonly kind: 'quality-checks';
  readonly dataset: string;
  /** Run after the metrics, in this order. */
  readonly checks: readonly QualityCheck<TConfig>[];
  /** Where a day checked alone runs its checks: on the worker's DuckDB when absent. */
  readonly db?: ChecksDb;
}

/** `checks` are run on every day of `dataset`, in this order; a day checked alone on `db` if given. */
export function qualityChecks<TConfig, TMetrics>(
  dataset: DatasetDefinition<TConfig, TMetrics>,
  checks: readonly QualityCheck<TConfig>[],
  db?: ChecksDb,
): QualityChecksCapability<TConfig> {
  return { kind: 'quality-checks', dataset: dataset.name, checks, ...(db ? { db } : {}) };
}
