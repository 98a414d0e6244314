/**
 * The dataset module contract: everything the generic activities, workflows and reports need from
 * a dataset. A dataset is one folder `src/datasets/<name>/` whose `module.ts` exports one
 * {@link DatasetModule}; `registry.ts` lists the modules. Plain code: no Temporal, no storage —
 * modules see local files and a DuckDB connection, the activities move files in and out of storage.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { RowCounts } from '../shared/day-records.js';
import type { CheckSeverity } from '../shared/quality.js';
import type { Slot } from '../shared/slots.js';

/** The module's own environment variables, merged into `loadConfig` (every problem named at start). */
export interface DatasetConfig<TConfig> {
  /** Its variables with their defaults, e.g. `{ ECO2MIX_BASE_URL: z.url().default(…) }`. */
  readonly env: z.ZodObject;
  /** The parsed variables (the whole parsed environment) → the module's typed configuration. */
  read(env: Readonly<Record<string, unknown>>): TConfig;
}

/** A URL fetched after the day, stored as `raw/{dataset}/dt={date}/{source}.{extension}`. */
export interface HttpInput {
  readonly kind: 'http';
  readonly source: string;
  readonly url: string;
  readonly extension: string;
}

/**
 * Every file dropped in `inbox/{dataset}/` and claimed for the day
 * (`raw/{dataset}/dt={date}/drop-{sha256}.{ext}.meta.json`, its bytes at `raw/{dataset}/drops/{sha256}.{ext}`).
 */
export interface DropInput {
  readonly kind: 'drop';
}

/** Snapshots taken during the day by a collector (`raw/{dataset}/dt={date}/{source}/…`). */
export interface SnapshotInput {
  readonly kind: 'snapshot';
  readonly source: string;
}

export type DayInput = HttpInput | DropInput | SnapshotInput;

/**
 * A source the snapshot collector takes during the day (`collectSnapshots`, on its schedule every
 * SNAPSHOT_EVERY_MINUTES), stored as `raw/{dataset}/dt={date}/{source}/{slot}.{extension}` —
 * the Paris day and slot it was taken in. A slot not taken within its own minutes stays missing:
 * nothing taken at another time ever stands in for it.
 */
export interface SnapshotSource<TConfig> {
  readonly source: string;
  readonly extension: string;
  /** `slot`: taken in every slot; `day`: once a day, in the first slot of the Paris day that has none yet. */
  readonly every: 'slot' | 'day';
  url(config: TConfig): string;
  /** Refuses a body that is not a snapshot of the source (BadDataError): it is quarantined and the slot missed. */
  check?(body: Uint8Array, file: string): void;
}

/** What a dataset has the collector take during the day. */
export interface DatasetSnapshots<TConfig> {
  /** Whether the collector takes the sources under this configuration. */
  collects(config: TConfig): boolean;
  readonly sources: readonly SnapshotSource<TConfig>[];
}

/** One raw file of the day, copied to local disk for DuckDB to read. */
export interface DayFile {
  /** The http source or the snapshot source it came from, `drop` for a claimed file. */
  readonly source: string;
  /** The storage key of its bytes: what rejects and errors name. */
  readonly key: string;
  /** Its local copy. */
  readonly path: string;
  readonly sha256: string;
  /** Order of arrival among the day's files, from 0: a later file wins over an earlier one for the same reading. */
  readonly order: number;
  /** Options given when the file was dropped (validated by {@link DropHandler.options}), else empty. */
  readonly options: Readonly<Record<string, string>>;
  /** For a snapshot: the collector's slot it was taken in (its file is named by {@link Slot.name}) and when. */
  readonly snapshot?: { readonly slot: Slot; readonly takenAt: Date };
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

/** A figure shown in a report: JSON and CSV carry `key` and `value`, HTML the label and unit. */
export interface ReportFigure {
  /** Stable, e.g. `consumption.energyMWh`. */
  readonly key: string;
  readonly label: string;
  readonly value: number | string | null;
  readonly unit?: string;
  /** Decimals shown (numbers). */
  readonly digits?: number;
  /** How to show the value: a ratio 0..1 as a percentage, an ISO-8601 instant as a Paris time, plain text. */
  readonly format?: 'percent' | 'instant' | 'text';
  /** A line under the value in a tile, e.g. `of production`. */
  readonly note?: string;
  /** Kept in the JSON and CSV only, not shown as a tile or a table column (a detail of another figure). */
  readonly detail?: boolean;
}

export interface ChartSeries {
  /** Stable, e.g. `consommation`: charts carry it as `data-series`. */
  readonly id: string;
  readonly label: string;
  /** CSS colour. */
  readonly colour: string;
  readonly dashed?: boolean;
  /** Drawn as dots, not joined (marks over a line of a time chart, e.g. anomalies). */
  readonly points?: boolean;
  /** One value per instant or category; null: nothing there. */
  readonly values: ReadonlyArray<number | null>;
}

/** A chart over time (UTC instants in ms, ascending, within [from, to]). */
export interface TimeChart {
  readonly kind: 'time';
  /** Stable `data-chart`, e.g. `eco2mix-consumption`. */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly unit: string;
  readonly style: 'line' | 'stacked';
  readonly instants: readonly number[];
  readonly from: number;
  readonly to: number;
  readonly series: readonly ChartSeries[];
  readonly digits?: number;
  readonly includeZero?: boolean;
}

/** Bars per category (a day of a month, a month of a year, a meter…). */
export interface BarChart {
  readonly kind: 'bar';
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly unit: string;
  readonly categories: readonly string[];
  /** Short axis labels, same length as categories ('' to skip one). */
  readonly axisLabels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly stacked?: boolean;
  readonly digits?: number;
}

export type ReportChart = TimeChart | BarChart;

/** A small table (top meters, busiest arcs…). */
export interface ReportTable {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<number | string | null>>;
}

/** What a dataset shows in a report: a sentence, headline figures, charts and tables. */
export interface ReportSection {
  readonly title: string;
  /** Lines for the page's footer: units, sources. */
  readonly notes?: readonly string[];
  /** One sentence: what a reader sees first (e.g. `96 of 96 points, consumption 1 234 MWh`). */
  readonly summary: string;
  readonly figures: readonly ReportFigure[];
  readonly charts: readonly ReportChart[];
  readonly tables: readonly ReportTable[];
}

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
   * names, by `{dataset}/{table}`: only those stored (a dataset not run that day is absent).
   */
  readonly alongside: Readonly<Record<string, string>>;
}

/** A table of another dataset's same day that a day section shows beside its own (traffic against the weather). */
export interface AlongsideTable {
  readonly dataset: string;
  readonly table: string;
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
   * For a module with `energies`: local copies of its table on the days before the period that
   * `energies.firstDay` asks for, those stored (the start indexes).
   */
  readonly before: readonly string[];
}

/**
 * A period section: the section itself, and per day (and per month of a year) the same figures
 * for CSV and tables. A figure keyed `completeness` (a ratio 0..1) is the day's or month's completeness.
 */
export interface PeriodSection extends ReportSection {
  readonly daily: ReadonlyArray<{ readonly date: string; readonly figures: readonly ReportFigure[] }>;
  readonly monthly: ReadonlyArray<{ readonly month: string; readonly figures: readonly ReportFigure[] }>;
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
  readonly alongside?: readonly AlongsideTable[];
  day(context: DayReportContext<TConfig>): Promise<ReportSection>;
  period(context: PeriodReportContext<TConfig>): Promise<PeriodSection>;
}

/** Files dropped in `inbox/{dataset}/`: how to read what they cover. */
export interface DropHandler<TConfig> {
  /** Options a person may give with a file (e.g. `meterId`), checked before anything is stored. */
  readonly options: z.ZodObject;
  /**
   * Recognises the file by its content and returns the Paris days it holds readings for, ascending.
   * Throws BadDataError naming the file when it matches no known shape, or is empty, binary or
   * truncated: the file is then quarantined with the reason and starts no day.
   */
  days(context: {
    readonly db: DuckDBConnection;
    readonly path: string;
    readonly file: string;
    /** The sha256 of the file's bytes. */
    readonly sha256: string;
    readonly options: Readonly<Record<string, string>>;
    readonly config: TConfig;
    /** The time of the claim: readings after the end of tomorrow (Paris) are not days of the file. */
    readonly now: Date;
  }): Promise<readonly string[]>;
}

/** A whole file read by `courant import`: the days it covers and each day's raw files taken from it. */
export interface ImportedFile {
  /** The name the file was given. */
  readonly name: string;
  /** Days the file holds data for, ascending. */
  readonly days: readonly string[];
  /** One line for a terminal about the days to run: what was read, how many rows, how many rejected. */
  headline(days: readonly string[]): string;
  /** The first rejected rows, for the terminal. */
  readonly rejects: ReadonlyArray<{ readonly line: number; readonly reason: string }>;
  /** What the file holds, stored as `imports/{dataset}/{sha256}/manifest.json` beside it. */
  manifest(days: readonly string[], skipped: readonly string[]): Readonly<Record<string, unknown>>;
  /**
   * The day's raw file for an `http` source, in the format its download has (so that an imported
   * day is transformed like a downloaded one), with facts kept in its `.meta.json`; null when the
   * file holds nothing of that source on that day.
   */
  dayFile(
    date: string,
    source: string,
  ): { readonly body: Uint8Array; readonly facts: Readonly<Record<string, unknown>> } | null;
}

/** Whole files that backfill many days at once (`courant import`), e.g. a publisher's yearly archive. */
export interface FileImport {
  /** What the file is, in an error: e.g. `an RTE eCO2mix file`. */
  readonly what: string;
  /** What `--file` takes, for the command's help. */
  readonly accepts: string;
  /** Reads a whole file; throws BadDataError saying why it is not one. */
  open(body: Uint8Array, fileName: string): ImportedFile;
}

/** An offline stand-in for the dataset's source, serving real samples it ships: what `courant demo` runs. */
export interface DatasetDemo<TConfig> {
  /** The day run when none is asked for. */
  readonly defaultDate: string;
  /** The days the samples cover, in words (for `--help` and errors). */
  readonly days: string;
  covers(date: string): boolean;
  /** Starts the stand-in on loopback; returns the configuration that points the module at it. */
  start(config: TConfig): Promise<{ readonly config: TConfig; readonly source: string; close(): Promise<void> }>;
  /**
   * For a dataset of snapshots, which no run can collect for a past day: the snapshots of the day,
   * each with the slot (of `everyMinutes`) it stands for, as the collector would have taken them
   * from the stand-in (`config` is the one `start` returned). `courant demo` stores them before the day runs.
   */
  snapshots?(
    date: string,
    config: TConfig,
    everyMinutes: number,
  ): Promise<ReadonlyArray<{ readonly source: string; readonly slot: Slot; readonly body: Uint8Array }>>;
}

export interface QualityContext<TConfig> {
  readonly date: string;
  readonly config: TConfig;
  /** SQL reading the day's table `name` (`read_parquet('…')`). */
  table(name: string): string;
  /**
   * SQL reading table `name` of the day before, or null when that day has none stored; only the
   * tables a check names in {@link QualityCheck.previousDay} are there.
   */
  previous(name: string): string | null;
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

/** Energy per meter over a period, from the stored days' tables (`courant energies`). */
export interface PeriodEnergies {
  /** The table read from each day. */
  readonly table: string;
  /** Other tables of a day that `sql` reads, copied beside the day's `table` (the same folder). */
  readonly alongside?: readonly string[];
  /** The first day whose table the period `from`..`to` needs (e.g. the day before: its end is the start index). */
  firstDay(from: string): string;
  /** The columns of the answer, in order. */
  readonly columns: readonly string[];
  /**
   * SQL giving the answer over `files` (the local copies of the table of the days from
   * `firstDay(from)` to `to` that are stored), for the given meters (all when empty), ordered.
   */
  sql(context: {
    readonly from: string;
    readonly to: string;
    readonly files: readonly string[];
    readonly meters: readonly string[];
  }): string;
}

/** A line `courant status` adds to the notes of a day of the dataset. */
export interface StatusNote {
  readonly date: string;
  readonly note: string;
}

/** A day's metrics document, as the `metrics` record keeps it. */
export interface DayDocument {
  readonly date: string;
  readonly metrics: Readonly<Record<string, unknown>>;
}

/**
 * Days first run on inputs that a later publication supersedes (weather from a forecast, later
 * from the archive). The revised-days check (`revisedDays`, on its schedule) finds the stored days
 * still `provisional`, fetches their `source` again and, when the answer holds the revision, stores
 * it as the day's raw file of that source and runs the day again. See docs/datasets.md.
 */
export interface DayRevisions<TConfig> {
  /** The http source (one of the day's `inputs`) whose later answer supersedes the day's. */
  readonly source: string;
  /** From the day's stored metrics document: whether the day ran on provisional inputs. */
  provisional(metrics: Readonly<Record<string, unknown>>): boolean;
  /**
   * Whether a fresh answer of `source` holds the day's revision (e.g. the archive has every hour
   * of the day), with DuckDB over the file. Throws BadDataError when it is not an answer of the source.
   */
  revised(context: {
    readonly date: string;
    readonly config: TConfig;
    readonly db: DuckDBConnection;
    readonly file: DayFile;
  }): Promise<boolean>;
  /**
   * Present when one request over a range of days tells which days have a revision out (eCO2mix:
   * an aggregate of ODRÉ's consolidated dataset per day and nature): the check asks it once per
   * range instead of fetching `source` for every provisional day, and takes only the days it names.
   */
  readonly range?: RangeRevisions<TConfig>;
  /**
   * Whether an answer of `source` (a revision, or a day taken from an imported file) may replace
   * the day's stored raw file of that source: null when it may, else why not (e.g. it holds an
   * older nature than the stored file). Absent: it always may.
   */
  replaces?(context: {
    readonly date: string;
    readonly db: DuckDBConnection;
    readonly stored: DayFile;
    readonly incoming: DayFile;
  }): Promise<string | null>;
  /**
   * What a revision changed, from the day's metrics before and after it, kept in the day's
   * metrics record under `revision` (e.g. energy, peak and low-carbon share before and the difference).
   */
  compare?(
    previous: Readonly<Record<string, unknown>>,
    current: Readonly<Record<string, unknown>>,
  ): Record<string, unknown>;
}

/** A provisional day the range request says about: revised (its revision is whole) or held (why not). */
export type RangeVerdict =
  | { readonly date: string; readonly revised: true }
  | { readonly date: string; readonly revised: false; readonly reason: string | null };

/** One request over many days that tells which provisional days have their revision published. */
export interface RangeRevisions<TConfig> {
  /** The URL asked for the Paris days `from`..`to` (inclusive). */
  url(from: string, to: string, config: TConfig): string;
  /**
   * For each of `days` (their stored metrics documents): whether the answer offers a whole revision
   * newer than what the day holds, or why not (null: nothing newer published yet). Throws
   * BadDataError when the body is not an answer of the request.
   */
  read(context: {
    readonly body: Uint8Array;
    readonly file: string;
    readonly days: readonly DayDocument[];
  }): RangeVerdict[];
}

export interface DatasetModule<TConfig> {
  /** Lower case, `[a-z][a-z0-9_-]*`: storage keys, workflow IDs and the `Dataset` search attribute use it. */
  readonly name: string;
  /** Shown in reports, e.g. `eCO2mix (RTE, France)`. */
  readonly title: string;
  readonly config: DatasetConfig<TConfig>;
  /**
   * Whether the daily schedule (and `courant run`, `backfill` without `--datasets`) runs the
   * dataset under this configuration; absent: whenever it has an input that is not a drop.
   */
  runsDaily?(config: TConfig): boolean;
  /** The day's inputs, from the date alone (never from now). */
  inputs(date: string, config: TConfig): readonly DayInput[];
  /** A cheap check of a downloaded body before it is kept; throws BadDataError (the body is quarantined). */
  checkDownload?(source: string, body: Uint8Array, file: string): void;
  /** Present for datasets fed by files dropped in the inbox. */
  readonly drop?: DropHandler<TConfig>;
  /** Present for datasets whose sources are taken during the day by the snapshot collector. */
  readonly snapshots?: DatasetSnapshots<TConfig>;
  /** Present for datasets whose publisher also offers whole files of many days (`courant import`). */
  readonly fileImport?: FileImport;
  /** Present for the dataset `courant demo` runs offline. */
  readonly demo?: DatasetDemo<TConfig>;
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
  /** Present for datasets of meter indexes: energy per meter and period (`courant energies`). */
  readonly energies?: PeriodEnergies;
  /**
   * Notes `courant status` adds to days, from the metrics documents of the days it shows (those
   * with a document, ascending): what no single day can tell, e.g. deliveries missing from a
   * sender's numbering across the days.
   */
  statusNotes?(days: readonly DayDocument[]): readonly StatusNote[];
  /** Present for datasets whose days may first run on provisional inputs, superseded later. */
  readonly revisions?: DayRevisions<TConfig>;
  /** Data-quality checks run after the metrics, in this order. */
  readonly checks?: readonly QualityCheck<TConfig>[];
  readonly report: DatasetReport<TConfig>;
}

/** A registered module with its parsed configuration: what activities and reports are given. */
export interface ConfiguredDataset {
  readonly module: DatasetModule<unknown>;
  readonly config: unknown;
}

/** The datasets a worker runs, injected into activities and reports (tests add their own). */
export interface DatasetCatalog {
  /** In registry order. */
  readonly all: readonly ConfiguredDataset[];
  /** Throws UnknownDatasetError when no module has this name. */
  get(name: string): ConfiguredDataset;
}
