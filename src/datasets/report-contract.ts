/** What a dataset gives the reports: a day section and a period section, from its stored tables. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PeriodSection, ReportSection } from './report-views.js';
import type { TableRef } from './types.js';

export interface DayReportContext<TConfig> {
  readonly date: string;
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  /** The day's metrics document. */
  readonly metrics: Readonly<Record<string, unknown>>;
  /** Local paths of the day's Parquet tables, by table name. */
  readonly tables: Readonly<Record<string, string>>;
  /**
   * Local paths of the same day's tables of other datasets that {@link DatasetReport.alongside}
   * names (`tableOf`), by `{dataset}/{table}`: only those stored (a dataset not run that day is absent).
   */
  readonly alongside: Readonly<Record<string, string>>;
}

export interface PeriodReportContext<TConfig> {
  readonly kind: 'month' | 'year';
  /** `YYYY-MM` or `YYYY`. */
  readonly period: string;
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  /** The period's succeeded days, ascending, each with the local paths of its Parquet tables. */
  readonly days: ReadonlyArray<{ readonly date: string; readonly tables: Readonly<Record<string, string>> }>;
  /**
   * For a dataset with the `energies` capability: local copies of its table on the days before the
   * period that its `firstDay` asks for, those stored (the start indexes).
   */
  readonly before: readonly string[];
}

/** The name under which a day report's `tables` holds the day's anomalies (`anomalies/{dataset}/dt={date}/anomalies.parquet`). */
export const ANOMALIES_TABLE = 'anomalies';

export interface DatasetReport<TConfig> {
  /**
   * Parquet tables the report reads (copied locally for it); every table when absent. The day
   * report may also name {@link ANOMALIES_TABLE}: the day's anomalies, when it has them.
   */
  readonly tables?: readonly string[];
  /** Tables of other datasets' same day the day section reads when they are stored. */
  readonly alongside?: readonly TableRef[];
  day(context: DayReportContext<TConfig>): Promise<ReportSection>;
  period(context: PeriodReportContext<TConfig>): Promise<PeriodSection>;
}
