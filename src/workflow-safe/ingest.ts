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

/** A file of a batch (`ingestFiles`): its inbox key, and the name it was delivered under when it differs. */
export interface BatchFile {
  readonly inboxKey: string;
  readonly name?: string;
}

export interface IngestFilesInput {
  readonly dataset: DatasetName;
  readonly files: readonly BatchFile[];
}

/** A dropped file claimed into its days. */
export interface ClaimDropOutput {
  readonly sha256: string;
  /** Every Paris day the file holds readings for. */
  readonly days: readonly string[];
  /** The days to run: those not yet succeeded with this file among their inputs. */
  readonly toRun: readonly string[];
}

/** A file of a batch claimed into its days. */
export interface ClaimedFile extends ClaimDropOutput {
  readonly inboxKey: string;
}

/** A file of a batch refused, quarantined with its reason. */
export interface RefusedFile {
  readonly inboxKey: string;
  readonly reason: string;
}

/** A file of a batch no longer in the inbox when the batch read it, and why (another ingestion had it). */
export interface GoneFile {
  readonly inboxKey: string;
  readonly reason: string;
}

export interface IngestFilesOutput {
  readonly dataset: DatasetName;
  /** Files of the batch whose every day succeeded with them, by inbox key. */
  readonly ingested: readonly string[];
  /** Of those, the files removed from the inbox (one replaced meanwhile stays for its own ingestion). */
  readonly released: number;
  /** The days run for the batch. */
  readonly ran: readonly string[];
  /** Files of the batch another ingestion had before it read them, each with why. */
  readonly gone?: readonly GoneFile[];
}

/** The signals between an ingestion and the run of its days (`dayIngestion`), by name. */
export const DAY_INGESTION_SIGNALS = {
  /** To `ingest-day/{dataset}/{date}`: a file was claimed into the day; run it, then answer. */
  requested: 'dayIngestionRequested',
  /** To the ingestion that asked: the day ran with its file, and how it ended. */
  ran: 'dayIngestionRan',
} as const;

/** An ingestion's request for a run of one of its days, signalled to `dayIngestion`. */
export interface DayIngestionRequest {
  /** The workflow ID of the ingestion that asked; answered with a `ran` signal. */
  readonly requester: string;
}

/** The answer to a request: the day ran, with every file claimed before the run started. */
export interface DayIngestionAnswer {
  readonly dataset: DatasetName;
  readonly date: string;
  /** The day's failure, when its run failed. */
  readonly error?: string;
}

export interface DayIngestionInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** Requesters not yet answered, carried over a continue-as-new. */
  readonly pending?: readonly string[];
}

export interface DayIngestionOutput {
  /** Runs of the day this workflow made. */
  readonly runs: number;
  /** Requests answered. */
  readonly answered: number;
}

/** What an SFTP pickup started: the ingestions of the files it fetched. */
export type SftpPickupOutput = InboxScanOutput;

export interface InboxScanOutput {
  /** Ingestions started by this scan, by workflow ID. */
  readonly started: readonly string[];
  /** Files whose ingestion already runs or ran with the same size. */
  readonly skipped: number;
}
