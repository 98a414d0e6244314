/** Shapes shared by every dataset: plain data, no Temporal, no storage. */

/** A table of another dataset: checked at start (registry) to be registered and declared. */
export interface TableRef {
  readonly dataset: string;
  readonly table: string;
}

/** A row that could not be kept, with where and why (written to quarantine as JSON lines). */
export interface RejectedRow {
  /** 1-based line of the file, the header being line 1. */
  readonly line: number;
  readonly column?: string;
  readonly value?: string;
  readonly reason: string;
}
