/** What a day's run records of its files and rows; plain types, safe inside workflows. */

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
