/**
 * Error classification shared by activities and workflows. Each type says how to retry:
 * bad data never heals by retrying; transient I/O does.
 */

export const ErrorType = {
  /** The input itself is wrong (header, encoding, HTML instead of CSV, a day with no rows). */
  BadData: 'BadData',
  /** The source answered with a client error that retrying cannot fix (4xx other than 408/429). */
  SourceRejected: 'SourceRejected',
  /** A network fault, 5xx, throttling or a server restarting. */
  TransientIO: 'TransientIO',
  /** The day's input cannot be known (no explicit date, no attribute, no scheduled time). */
  MissingPartition: 'MissingPartition',
  /** A workflow input that its check refuses (a malformed date, an unknown mode…). */
  InvalidInput: 'InvalidInput',
  /** A dataset name that courant does not know. */
  UnknownDataset: 'UnknownDataset',
  /** The run was cancelled (by an operator or its backfill) before it finished. */
  Cancelled: 'Cancelled',
  /** Some days of a dropped file failed: each is a Failed `daily/{date}` with its own reason. */
  DaysFailed: 'DaysFailed',
  /** Datasets of a day failed: each is a Failed `day/{dataset}/{date}` with its own reason. */
  DatasetsFailed: 'DatasetsFailed',
  /** The run of a day that another workflow waited on failed. */
  DayFailed: 'DayFailed',
  /** A period report cannot be built from what is stored (no day of the period has data). */
  ReportUnavailable: 'ReportUnavailable',
  /**
   * A local path cannot be written (permission, read-only file system, no space, not a directory):
   * a fault of the configuration or the machine that no retry heals. The message names the path
   * and the variable that chose it.
   */
  StorageMisconfigured: 'StorageMisconfigured',
  /**
   * A `block` data-quality check failed: the day's data is readable but implausible. Not retried;
   * the message names the check, the observed value, the threshold and the file to look at.
   */
  DataQuality: 'DataQuality',
  /** A quality check's query could not run (e.g. a column renamed): retried, the check named. */
  QualityCheckBroken: 'QualityCheckBroken',
  /**
   * The day has no data and never will: a source taken only during the day (snapshots) was never
   * collected for it, or the publisher says the day holds nothing. Not retried; shown as no data.
   */
  NoData: 'NoData',
  /**
   * A snapshot of a slot could not be taken within it (the source down, a refused body, an
   * answer after the slot's end): the slot stays empty, never filled from another time.
   */
  SnapshotsMissed: 'SnapshotsMissed',
  /**
   * An SFTP server presented a host key that its known_hosts does not hold (changed, revoked or
   * unknown): the connection is refused, never retried, until an operator checks and updates it.
   */
  HostKeyRefused: 'HostKeyRefused',
  /**
   * A source's setting cannot be used as given (an SFTP secret file missing, unreadable or a
   * folder, a private key that does not parse, a remote folder that does not exist): never
   * retried; the message names the variable.
   */
  SourceMisconfigured: 'SourceMisconfigured',
  /** Temporal, the document store, S3 or DynamoDB could not be reached at start. */
  ServiceUnavailable: 'ServiceUnavailable',
  /**
   * A dataset's metrics produced a document its own metrics schema refuses: a fault of the code,
   * not of the data; not retried, the dataset and the fields at fault named.
   */
  MetricsSchema: 'MetricsSchema',
  /**
   * `courant verify` found objects a succeeded day's record lists missing from storage, or not the
   * size or version they were written with: the day is shown as `outputs missing` and re-planned
   * by `backfill --mode missing`.
   */
  OutputsMissing: 'OutputsMissing',
} as const;

export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

/** Error types that retrying cannot fix: the activity retry policies list them as non-retryable. */
export const NON_RETRYABLE_ERROR_TYPES: readonly ErrorTypeName[] = [
  ErrorType.BadData,
  ErrorType.NoData,
  ErrorType.SourceRejected,
  ErrorType.MissingPartition,
  ErrorType.UnknownDataset,
  ErrorType.InvalidInput,
  ErrorType.StorageMisconfigured,
  ErrorType.DataQuality,
  ErrorType.MetricsSchema,
  ErrorType.HostKeyRefused,
  ErrorType.SourceMisconfigured,
];

/** Where in a file a problem was found. Lines are 1-based and count the header line. */
export interface DataLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: string;
}

/** Bad input data: retrying will not help. The message names the file, and line and column when known. */
export class BadDataError extends Error {
  override readonly name = 'BadDataError';
  readonly type = ErrorType.BadData;
  readonly location: DataLocation;
  /** What is wrong there, without the location. */
  readonly problem: string;

  constructor(location: DataLocation, problem: string, options?: { cause?: unknown }) {
    super(`${describeLocation(location)}: ${problem}`, options);
    this.location = location;
    this.problem = problem;
  }
}

/** The day has no data and never will (see {@link ErrorType.NoData}); the message says why. */
export class NoDataError extends Error {
  override readonly name = 'NoDataError';
  readonly type = ErrorType.NoData;
}

export function describeLocation(location: DataLocation): string {
  const parts = [location.file];
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.column !== undefined) parts.push(`column ${location.column}`);
  return parts.join(', ');
}
