/** The `file-import` capability: whole files of many days read by `courant import`. */
import type { DatasetDefinition } from '../contract.js';

/** A whole file read by `courant import`: the days it covers and each day's raw files taken from it. */
export interface ImportedFile {
  /** The name the file was given. */
  readonly name: string;
  /** Days the file holds data for, ascending. */
  readonly days: readonly string[];
  /** One line for a terminal about the days to run: what was read, how many rows, how many rejected. */
  headline(days: readonly string[]): string;
  /** The first rejected rows, for the terminal. */
  readonly rejects: ReadonlyArray<{ readonly line: number; readonly reason: string }>;
  /** What the file holds, stored as `imports/{dataset}/{sha256}/manifest.json` beside it. */
  manifest(days: readonly string[], skipped: readonly string[]): Readonly<Record<string, unknown>>;
  /**
   * The day's raw file for an `http` source, in the format its download has (so that an imported
   * day is transformed like a downloaded one), with facts kept in its `.meta.json`; null when the
   * file holds nothing of that source on that day.
   */
  dayFile(
    date: string,
    source: string,
  ): { readonly body: Uint8Array; readonly facts: Readonly<Record<string, unknown>> } | null;
}

/** Whole files that backfill many days at once (`courant import`), e.g. a publisher's yearly archive. */
export interface FileImport {
  /** What the file is, in an error: e.g. `an RTE eCO2mix file`. */
  readonly what: string;
  /** What `--file` takes, for the command's help. */
  readonly accepts: string;
  /** Reads a whole file; rejects with BadDataError saying why it is not one. */
  open(body: Uint8Array, fileName: string): Promise<ImportedFile>;
}

export interface FileImportCapability extends FileImport {
  readonly kind: 'file-import';
  readonly dataset: string;
}

/** `courant import` reads whole files of `dataset` with `fileImport`. */
export function importFiles<TConfig, TMetrics>(
  dataset: DatasetDefinition<TConfig, TMetrics>,
  fileImport: FileImport,
): FileImportCapability {
  return { ...fileImport, kind: 'file-import', dataset: dataset.name };
}
