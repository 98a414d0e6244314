/**
 * The dataset contract: what every dataset gives the generic activities, workflows and reports.
 * A dataset is one folder `src/datasets/<name>/` whose `module.ts` exports its definition (made by
 * {@link defineDataset}) and the list of its capabilities (`capabilities/`: drops, snapshots,
 * imports, demo, revisions…); `registry.ts` lists the modules. Plain code: no Temporal, no storage.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { RowCounts } from '../workflow-safe/day-records.js';
import type { DayFile, DayInput } from './inputs.js';
import type { DatasetReport } from './report-contract.js';
import type { TableRef } from './types.js';

export type { TableRef } from './types.js';

/** The dataset's own environment variables, merged into `loadConfig` (every problem named at start). */
export interface DatasetConfig<TConfig> {
  /** Its variables with their defaults, e.g. `{ ECO2MIX_BASE_URL: z.url().default(…) }`. */
  readonly env: z.ZodObject;
  /** The parsed variables (the whole parsed environment) → the dataset's typed configuration. */
  read(env: Readonly<Record<string, unknown>>): TConfig;
  /** What its variables get wrong together (each naming its variable), beyond each one's own check. */
  problems?(env: Readonly<Record<string, string>>): string[];
}

/** A day of a range to transform: its date and raw files. */
export interface TransformDay {
  readonly date: string;
  /** The day's raw files in order of arrival (http sources in the order of `inputs`). */
  readonly files: readonly DayFile[];
}

/**
 * The days a transform works on: one for a day's own run, many for a pass over an import's days.
 * The same function serves both, and gives a day the same outputs alone or inside a range.
 */
export interface TransformContext<TConfig> {
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  /** Distinct dates, ascending. */
  readonly days: readonly TransformDay[];
  /** Local path (its directory exists) where table `table` of day `date` is to be written as Parquet (zstd); the activity stores it. */
  tablePath(date: string, table: string): string;
  /** Local path of the day's rejects to write, JSON lines `{ file, line, column?, value?, reason }` (may stay absent: none). */
  rejectsPath(date: string): string;
  /** A directory of its own for intermediate files, removed afterwards. */
  readonly scratchDir: string;
}

export interface TransformOutput {
  /** The tables written, main table first; each at `tablePath(date, name)`, stored as `processed/{dataset}/dt={date}/{name}.parquet`. */
  readonly tables: readonly string[];
  readonly rows: RowCounts;
}

/** A day of a range to measure: its date and the local paths of its Parquet tables, by table name. */
export interface MetricsDay {
  readonly date: string;
  readonly tables: Readonly<Record<string, string>>;
}

export interface MetricsContext<TConfig> {
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  /** Distinct dates, ascending: one for a day's own run, many for a pass over an import's days. */
  readonly days: readonly MetricsDay[];
  /**
   * Local copies of table `table` of the `days` days before `date`, those that are stored (a day
   * not run yet is skipped), oldest first; copied when asked. What a detector judges the day against.
   */
  history(date: string, table: string, days: number): Promise<readonly string[]>;
  /** Local path where day `date`'s anomalies may be written as Parquet (see {@link DayMetrics.anomalies}). */
  anomaliesPath(date: string): string;
}

export interface DayMetrics {
  /** `metrics/{dataset}/dt={date}/metrics.json` and the `metrics` record: at least `dataset`, `date`, `timezone`. */
  readonly document: Readonly<Record<string, unknown>>;
  /** Share of the expected data present, 0..1; null when it has no meaning for the dataset. */
  readonly completeness: number | null;
  /** True when the module wrote `anomaliesPath(date)`: stored as `anomalies/{dataset}/dt={date}/anomalies.parquet`. */
  readonly anomalies?: boolean;
}

/** A stored metrics document: at least `dataset`, `date`, `timezone`. */
export type MetricsDocument = Readonly<Record<string, unknown>>;

/** What a dataset is: its name, configuration, inputs, tables, transform, metrics and report. */
export interface DatasetDefinition<TConfig, TMetrics = MetricsDocument, TTable extends string = string> {
  /** Lower case, `[a-z][a-z0-9_-]*`: storage keys, workflow IDs and the `Dataset` search attribute use it. */
  readonly name: string;
  /** Shown in reports, e.g. `eCO2mix (RTE, France)`. */
  readonly title: string;
  readonly config: DatasetConfig<TConfig>;
  /** The Parquet tables its transform writes, main table first: what other datasets may reference ({@link tableOf}). */
  readonly tables: readonly TTable[];
  /** The shape of its metrics document: checked before a document is stored, used to read one back. */
  readonly metricsSchema: z.ZodType<TMetrics>;
  /**
   * Whether the daily schedule (and `courant run`, `backfill` without `--datasets`) runs the
   * dataset under this configuration; absent: whenever it has an input that is not a drop.
   */
  runsDaily?(config: TConfig): boolean;
  /** The day's inputs, from the date alone (never from now). */
  inputs(date: string, config: TConfig): readonly DayInput[];
  /** A cheap check of a downloaded body before it is kept; throws BadDataError (the body is quarantined). */
  checkDownload?(source: string, body: Uint8Array, file: string): void;
  /**
   * Each day's raw files → its Parquet tables and rejects, with DuckDB reading the files itself;
   * an output for every day of the range, by date (0 rows written: the day has no usable row).
   * Throws BadDataError (file, line, column) when a file cannot be read at all; bad rows are rejects.
   * Same files, same outputs, whether a day is alone or inside a range (each-day.ts adapts a
   * transform of one day).
   */
  transform(context: TransformContext<TConfig>): Promise<ReadonlyMap<string, TransformOutput>>;
  /** Each day's metrics, as SQL over its Parquet tables, by date. */
  metrics(context: MetricsContext<TConfig>): Promise<ReadonlyMap<string, DayMetrics>>;
  /**
   * Hours after the end of the Paris day by which its data is expected (e.g. 7: D+1 07:00 Paris);
   * null or absent: the dataset's days are never late (they come when files come).
   */
  dueHours?(config: TConfig): number | null;
  readonly report: DatasetReport<NoInfer<TConfig>>;
}

/** A dataset as the generic code holds it: its configuration and metrics types erased. */
export type AnyDataset = DatasetDefinition<unknown, unknown>;

/** Declares a dataset; the types of its configuration, metrics and tables flow to its capabilities. */
export function defineDataset<TConfig, TMetrics extends MetricsDocument, const TTable extends string>(
  definition: DatasetDefinition<TConfig, TMetrics, TTable>,
): DatasetDefinition<TConfig, TMetrics, TTable> {
  return definition;
}

/** A typed reference to table `table` of `dataset`: a table it does not declare fails type check. */
export function tableOf<TTable extends string>(
  dataset: { readonly name: string; readonly tables: readonly TTable[] },
  table: NoInfer<TTable>,
): TableRef {
  return { dataset: dataset.name, table };
}
