/**
 * The one place a workflow's activity options are written: per kind of activity, its timeouts,
 * heartbeat and retry policy. Every policy refuses to retry the non-retryable error types (bad data
 * never heals by retrying); a kind may add types of its own. Workflows ask by kind
 * (`proxyActivities(activityOptions('datasetStep'))`); lint refuses options written inline.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES, type ErrorTypeName } from '../workflow-safe/errors.js';

type Retry = Omit<RetryPolicy, 'nonRetryableErrorTypes'>;

interface Policy<Options> {
  readonly options: Omit<Options, 'retry'>;
  readonly retry: Retry;
  /** Error types not retried by this kind, besides NON_RETRYABLE_ERROR_TYPES. */
  readonly alsoNonRetryable?: readonly ErrorTypeName[];
}

const ACTIVITY_POLICIES = {
  /** A day's steps (download, transform, metrics, quality): heavy I/O and DuckDB, backoff on transient faults. */
  datasetStep: {
    options: { startToCloseTimeout: '10 minutes', heartbeatTimeout: '30 seconds' },
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
  },
  /**
   * A stage of a ranged run over all its days (downloads, a transform or metrics pass, the checks):
   * minutes for many days, heartbeating; a transient fault retries it, skipping the days it finished.
   */
  rangeStage: {
    options: { startToCloseTimeout: '1 hour', heartbeatTimeout: '1 minute' },
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
  },
  /** Claiming a dropped file: reads the whole file and copies it into each of its days. */
  dropClaim: {
    options: { startToCloseTimeout: '30 minutes', heartbeatTimeout: '1 minute' },
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
  },
  /** Listing an inbox: a store that does not answer is tried again at the next scan. */
  inboxListing: {
    options: { startToCloseTimeout: '2 minutes' },
    retry: { maximumInterval: '30 seconds', maximumAttempts: 5 },
  },
  /** A backfill's planning and report requests: quick reads of the records. */
  backfillControl: {
    options: { startToCloseTimeout: '2 minutes' },
    retry: { maximumInterval: '30 seconds', maximumAttempts: 15 },
  },
  /** An import's days transformed in passes over many days: minutes for a thousand days, heartbeating. */
  importPasses: {
    options: { startToCloseTimeout: '1 hour', heartbeatTimeout: '2 minutes' },
    retry: { maximumInterval: '30 seconds', maximumAttempts: 3 },
  },
  /** Building a period's report: minutes over a year of days; a period without data is not retried. */
  reportBuild: {
    options: { startToCloseTimeout: '15 minutes', heartbeatTimeout: '30 seconds' },
    retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 6 },
    alsoNonRetryable: [ErrorType.ReportUnavailable],
  },
  /** Asking the next period for a rebuild: one signal. */
  reportRequest: {
    options: { startToCloseTimeout: '1 minute' },
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 15 },
  },
  /** Listing provisional days and asking for a report: quick, retried while the database does not answer. */
  revisionListing: {
    options: { startToCloseTimeout: '2 minutes' },
    retry: { maximumInterval: '30 seconds', maximumAttempts: 10 },
  },
  /** One fetch of a source and a small DuckDB read: retried with backoff on transient faults. */
  revisionCheck: {
    options: { startToCloseTimeout: '5 minutes', heartbeatTimeout: '30 seconds' },
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
  },
  /** Verifying a window of days' outputs: reading records and listing folders, retried while a store does not answer. */
  outputsVerification: {
    options: { startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute' },
    retry: { maximumInterval: '1 minute', maximumAttempts: 5 },
  },
  /**
   * Fetching a server's new files, heartbeating (a lost worker is noticed within a minute): an
   * unreachable or silent server, a cut connection or a transfer stalled for `{NAME}_SFTP_STALL_SECONDS`
   * is retried with backoff (5 s, 10 s, 20 s, 40 s), then the run fails and the next scheduled
   * pickup tries again; a refused host key, refused credentials or a setting that cannot work are not.
   */
  sftpPickup: {
    options: { startToCloseTimeout: '30 minutes', heartbeatTimeout: '1 minute' },
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  },
  /** Listing the datasets whose SFTP server is configured: reads the configuration. */
  sftpListing: {
    options: { startToCloseTimeout: '1 minute' },
    retry: { maximumAttempts: 3 },
  },
  /** Whether a run of a day is open: one read of the server, retried while it does not answer. */
  dayRunState: {
    options: { startToCloseTimeout: '30 seconds' },
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  },
  /**
   * A month's billing: one DuckDB query over a month of stored days (seconds for 100 000 contracts),
   * its Parquet and record written, heartbeating; retried on transient faults, a rates file at fault
   * is final.
   */
  monthBilling: {
    options: { startToCloseTimeout: '30 minutes', heartbeatTimeout: '1 minute' },
    // A blip is retried here; a longer outage by the month's workflow, after pauses of its own.
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
  },
  /** A note in a month's pending record that its billing fails: one write, retried a little (the run keeps the requests anyway). */
  billingNote: {
    options: { startToCloseTimeout: '30 seconds' },
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
  },
  /** Asking a month's billing to run: one signal-with-start, retried while the server does not answer. */
  billingRequest: {
    options: { startToCloseTimeout: '1 minute' },
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  },
  /** Asking for runs of a file's days: one signal-with-start per day, retried while the server does not answer. */
  dayRequest: {
    options: { startToCloseTimeout: '1 minute' },
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  },
} satisfies Record<string, Policy<ActivityOptions>>;

const LOCAL_ACTIVITY_POLICIES = {
  /** Record keeping and planning in the workflow task: short, idempotent reads and writes. */
  recordKeeping: {
    options: { startToCloseTimeout: '30 seconds' },
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 15 },
  },
  /**
   * A day's report across datasets in the workflow task that sees the datasets end: it reads
   * records and writes three small files; retried while a store does not answer, a timer between
   * attempts after the first minute.
   */
  dayReportInTask: {
    options: { startToCloseTimeout: '2 minutes' },
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 15 },
  },
} satisfies Record<string, Policy<LocalActivityOptions>>;

export type ActivityKind = keyof typeof ACTIVITY_POLICIES;
export type LocalActivityKind = keyof typeof LOCAL_ACTIVITY_POLICIES;

function retryOf(retry: Retry, alsoNonRetryable: readonly ErrorTypeName[] = []): RetryPolicy {
  return { ...retry, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, ...alsoNonRetryable] };
}

/** The options of an activity of this kind; on `taskQueue` when given, else on its workflow's. */
export function activityOptions(kind: ActivityKind, taskQueue?: string): ActivityOptions {
  const policy: Policy<ActivityOptions> = ACTIVITY_POLICIES[kind];
  return {
    ...policy.options,
    retry: retryOf(policy.retry, policy.alsoNonRetryable),
    ...(taskQueue === undefined ? {} : { taskQueue }),
  };
}

/** The options of a local activity of this kind. */
export function localActivityOptions(kind: LocalActivityKind): LocalActivityOptions {
  const policy: Policy<LocalActivityOptions> = LOCAL_ACTIVITY_POLICIES[kind];
  return { ...policy.options, retry: retryOf(policy.retry, policy.alsoNonRetryable) };
}

/**
 * A snapshot taken within its slot: never past the slot's end (`msLeft` from now), a minute per
 * try at most, retried with backoff while the slot lasts.
 */
export function snapshotOptions(msLeft: number): ActivityOptions {
  return {
    scheduleToCloseTimeout: msLeft,
    startToCloseTimeout: Math.min(msLeft, 60_000),
    heartbeatTimeout: '10 seconds',
    retry: retryOf({ initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds' }),
  };
}
