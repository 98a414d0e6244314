/** What a dataset's day is made of: the inputs it declares and the raw files a transform reads. */
import type { Slot } from '../workflow-safe/slots.js';

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
  /** Options given when the file was dropped (validated by the drop capability's `options`), else empty. */
  readonly options: Readonly<Record<string, string>>;
  /** For a snapshot: the collector's slot it was taken in (its file is named by {@link Slot.name}) and when. */
  readonly snapshot?: { readonly slot: Slot; readonly takenAt: Date };
}
