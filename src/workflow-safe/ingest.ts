/** Inputs and outputs of ingesting dropped files. JSON-safe. */
import type { DatasetName } from './datasets.js';

export interface IngestDropInput {
  readonly dataset: DatasetName;
  /** The file in the inbox, `inbox/{dataset}/…`. */
  readonly inboxKey: string;
  /** Options given with the file (e.g. `meterId`), checked by the dataset's module. */
  readonly options?: Readonly<Record<string, string>>;
}

export interface IngestDropOutput {
  readonly dataset: DatasetName;
  readonly inboxKey: string;
  readonly sha256: string;
  /** Every Paris day the file holds readings for. */
  readonly days: readonly string[];
  /** The days run (those not yet succeeded with this file). */
  readonly ran: readonly string[];
  /** Whether the file was removed from the inbox (it is kept when replaced meanwhile). */
  readonly released: boolean;
}

/** What an SFTP pickup started: the ingestions of the files it fetched. */
export type SftpPickupOutput = InboxScanOutput;

export interface InboxScanOutput {
  /** Ingestions started by this scan, by workflow ID. */
  readonly started: readonly string[];
  /** Files whose ingestion already runs or ran with the same size. */
  readonly skipped: number;
}
