/** The `revisions` capability: days first run on provisional inputs, run again once revised. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetDefinition } from '../contract.js';
import type { DayFile } from '../inputs.js';
import type { DayDocument } from './status-notes.js';

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

export interface RevisionsCapability<TConfig = unknown> extends DayRevisions<TConfig> {
  readonly kind: 'revisions';
  readonly dataset: string;
}

/** Provisional days of `dataset` are run again once `revisions` finds their revision published. */
export function dayRevisions<TConfig, TMetrics>(
  dataset: DatasetDefinition<TConfig, TMetrics>,
  revisions: DayRevisions<TConfig>,
): RevisionsCapability<TConfig> {
  return { ...revisions, kind: 'revisions', dataset: dataset.name };
}
