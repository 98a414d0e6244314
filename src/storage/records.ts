/** RecordStore: day runs, metrics, reports and files fetched by SFTP (docs/architecture.md#records). Every write is an upsert on its key. */
import type { DayStatus } from '../workflow-safe/backfill.js';
import type { CheckResult } from '../workflow-safe/quality.js';
import type { DayRunStatus, InputFile, OutputFile, RowCounts } from '../workflow-safe/day-records.js';
import type { PipelineStage, RunKind } from '../workflow-safe/pipeline.js';

export type { DayRunStatus } from '../workflow-safe/day-records.js';

export interface DayRun {
  readonly dataset: string;
  readonly date: string;
  readonly status: DayRunStatus;
  readonly stage: PipelineStage;
  readonly attempt: number;
  readonly runKind: RunKind;
  readonly workflowId: string;
  readonly runId: string;
  readonly inputs: readonly InputFile[];
  readonly outputs: readonly string[];
  /**
   * The outputs as written: size, SHA-256 and ETag, what `courant verify` checks the stored objects
   * against; absent in records written before they were kept (then only their presence is checked).
   */
  readonly outputFiles?: readonly OutputFile[];
  readonly rows: RowCounts | null;
  readonly codeVersion: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: { readonly type: string; readonly message: string } | null;
  /**
   * True when this run read at least one object from a local copy (cache or mirror) because the
   * object store could not be reached; absent in records written before the field existed.
   */
  readonly fallback: boolean;
  /** The data-quality checks of the run (absent in records written before checks existed). */
  readonly checks?: readonly CheckResult[];
}

/** Fields a step may change on an existing day run; the key is (dataset, date). */
export type DayRunPatch = Pick<DayRun, 'dataset' | 'date'> & Partial<Omit<DayRun, 'dataset' | 'date'>>;

export interface MetricsRecord {
  readonly dataset: string;
  readonly date: string;
  readonly metrics: Record<string, unknown>;
}

export interface ReportRecord {
  readonly period: string;
  readonly summary: Record<string, unknown>;
  readonly keys: readonly string[];
}

/**
 * A file fetched from a dataset's SFTP server, keyed (dataset, name): the size and time it had on
 * the server when fetched (a file of the same name with another size or time is fetched again),
 * where it was put and its bytes' sha256; once the pickup handed it to a batch, that batch's
 * workflow ID and when.
 */
export interface SftpFileRecord {
  readonly dataset: string;
  readonly name: string;
  readonly size: number;
  /** Its modification time on the server, ISO-8601 (whole seconds). */
  readonly mtime: string;
  readonly fetchedAt: string;
  readonly inboxKey: string;
  readonly sha256: string;
  /**
   * Written before its file is put into the inbox, until the pickup hands it over: an `entering`
   * record whose inbox file is not there was never put, unless the scan took it (its content
   * claimed). Docs: architecture.md, "Who has a delivery".
   */
  readonly entering?: true;
  /** The `ingest-batch/…` workflow the pickup handed it to; absent while it waits to be handed. */
  readonly batch?: string;
  /** When the pickup handed it to `batch`, ISO-8601. */
  readonly handedAt?: string;
}

/**
 * A lease on a named piece of work (billing one month): who holds it and until when (epoch ms).
 * Leases live in the reports table under `lease/{name}`, beside the records they guard.
 */
export interface Lease {
  readonly holder: string;
  readonly until: number;
}

/** The outcome of a claim: taken, or held by another holder until its lease ends. */
export type LeaseClaim = { readonly claimed: true } | { readonly claimed: false; readonly held: Lease };

/**
 * An entry a dataset's SFTP server lists but could not serve (a link to nothing, a folder named
 * like a delivery, a file it may not read), keyed (dataset, name), kept apart from the fetched
 * files (the partition `{dataset}/faults` of `sftp_files`): the size and time it had on the server
 * when last tried, why it failed, how often, and when the pickup tries it again. Removed once the
 * entry is fetched, or gone from the listing.
 */
export interface SftpFaultRecord {
  readonly dataset: string;
  readonly name: string;
  readonly size: number;
  /** Its modification time on the server when last tried, ISO-8601 (whole seconds). */
  readonly mtime: string;
  /** What the server answered, with the SFTP status code, e.g. `No such file (SFTP status 2)`. */
  readonly reason: string;
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
  /** Before this instant the pickup leaves the entry alone, unless its size or time changes. */
  readonly nextTryAt: string;
}

/** A day's run as billing reads it: whether it succeeded, which run, and its error when it did not. */
export type DayRunSummary = Pick<DayRun, 'dataset' | 'date' | 'status' | 'runId' | 'error'>;

export interface DayRunQuery {
  readonly from: string;
  readonly to: string;
  /** Every dataset when absent. */
  readonly datasets?: readonly string[];
}

/** Collections (MongoDB) or tables (DynamoDB), each name preceded by the configured prefix. */
export const RECORD_TABLES = ['day_runs', 'metrics', 'reports', 'sftp_files'] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];

export interface RecordStore {
  readonly location: string;
  /**
   * Prepares the store on start: indexes (MongoDB); tables (DynamoDB) created when missing if the
   * store was built to create them (CREATE_STORAGE), else checked. Safe to call on every start.
   */
  ensureSchema(): Promise<void>;
  /**
   * Upserts the day run keyed (dataset, date), as one conditional write, so that an older run never
   * overwrites a newer one: with `onlyIfRunId`, only an existing record of that run is updated; a
   * patch that carries `attempt` never replaces a record with a higher attempt. Returns whether it wrote.
   */
  upsertDayRun(patch: DayRunPatch, options?: { onlyIfRunId?: string }): Promise<boolean>;
  /**
   * Replaces the whole records of many days (a ranged run's days, owned by it) in bulk writes, with
   * their statuses: a write per batch of days, never one per day. Unconditional: the caller owns them.
   */
  putDayRuns(runs: readonly DayRun[]): Promise<void>;
  /**
   * Writes the opened records of many days (a ranged run taking its days) in bulk, each only if no
   * other run holds that day running: one conditional write per day, so two runs never both take a
   * day. Returns the dates it left to the runs holding them. `read`: the days' records as the
   * caller has just read them (a day missing there has none), which a store that reads before it
   * writes takes instead of reading them again.
   */
  openDayRuns(runs: readonly DayRun[], read?: ReadonlyMap<string, DayRun>): Promise<string[]>;
  getDayRun(dataset: string, date: string): Promise<DayRun | null>;
  /** Every day run in [from, to] (all pages), ordered by date then dataset. */
  listDayRuns(query: DayRunQuery): Promise<DayRun[]>;
  /** The status of each day run of the range, without the rest of its record: what lists of many days need. */
  listDayStatuses(query: DayRunQuery): Promise<DayStatus[]>;
  /** {@link DayRunSummary} of each day run of the range, ordered by date then dataset: what billing reads of its days. */
  listDayRunSummaries(query: DayRunQuery): Promise<DayRunSummary[]>;
  upsertMetrics(record: MetricsRecord): Promise<void>;
  /** Replaces the metrics records of many days in bulk writes. */
  putMetricsRecords(records: readonly MetricsRecord[]): Promise<void>;
  getMetrics(dataset: string, date: string): Promise<MetricsRecord | null>;
  upsertReport(record: ReportRecord): Promise<void>;
  /** Replaces the reports records of many periods in bulk writes. */
  putReports(records: readonly ReportRecord[]): Promise<void>;
  getReport(period: string): Promise<ReportRecord | null>;
  /**
   * Takes (or extends) the lease `name` for `holder` until `ttlMs` from now, in one conditional
   * write: only when nobody holds it, its lease has ended, or `holder` already holds it.
   */
  claimLease(name: string, holder: string, ttlMs: number): Promise<LeaseClaim>;
  /** Ends `holder`'s lease `name` (a lease another holder has taken since is left to it). */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Records the file as fetched (an upsert on (dataset, name)). */
  putSftpFile(record: SftpFileRecord): Promise<void>;
  getSftpFile(dataset: string, name: string): Promise<SftpFileRecord | null>;
  /**
   * The records of these names that exist, in no set order: each looked up by its key, in chunks,
   * never a read of the dataset's whole history.
   */
  getSftpFiles(dataset: string, names: readonly string[]): Promise<SftpFileRecord[]>;
  /**
   * Records the name on the server of a file whose inbox name differs from it (`name` cleaned to
   * a storage key): written by the pickup before the file goes into the inbox, never changed.
   */
  putSftpInboxName(dataset: string, inboxName: string, server: string): Promise<void>;
  /** The names on the server of these inbox names, those recorded: each looked up by its key. */
  getSftpServerNames(dataset: string, inboxNames: readonly string[]): Promise<Map<string, string>>;
  /** Every file fetched for the dataset (all pages), ordered by name. */
  listSftpFiles(dataset: string): Promise<SftpFileRecord[]>;
  /** Records the entry's fault (an upsert on (dataset, name) among the faults). */
  putSftpFault(fault: SftpFaultRecord): Promise<void>;
  /** The dataset's entries whose last try failed, ordered by name: one read of the faults alone. */
  listSftpFaults(dataset: string): Promise<SftpFaultRecord[]>;
  /** Removes the faults of these entries, in bulk writes; a name without a fault is nothing to remove. */
  deleteSftpFaults(dataset: string, names: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
