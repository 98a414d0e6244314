/** What a day's run records of its files and rows; plain types, safe inside workflows. */

/**
 * How a day's run stands in its record: running; succeeded; failed; cancelled (its run was cancelled
 * before it ended, e.g. with the backfill that started it: nothing is wrong with the day, it is
 * still to run).
 */
export const DAY_RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type DayRunStatus = (typeof DAY_RUN_STATUSES)[number];

/** A raw file a day read: its source name, storage key, SHA-256 and size. */
export interface InputFile {
  readonly source: string;
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Rows of a day's main table: read = written + rejected (+ rows outside the day, superseded or skipped). */
export interface RowCounts {
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
}

/**
 * An object a day's run wrote, as it was written: its size, the SHA-256 of its bytes and the
 * store's version tag (S3 ETag) when the store gives one. `courant verify` checks the stored object
 * against it.
 */
export interface OutputFile {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly etag?: string;
}
