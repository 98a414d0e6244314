/** The `drop` capability: files dropped in `inbox/{dataset}/` (or given to `courant ingest`), and the days they cover. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import type { DatasetDefinition } from '../contract.js';

/** Files dropped in `inbox/{dataset}/`: how to read what they cover. */
export interface DropHandler<TConfig> {
  /** Options a person may give with a file (e.g. `meterId`), checked before anything is stored. */
  readonly options: z.ZodObject;
  /**
   * Recognises the file by its content and returns the Paris days it holds readings for, ascending.
   * Throws BadDataError naming the file when it matches no known shape, or is empty, binary or
   * truncated: the file is then quarantined with the reason and starts no day.
   */
  days(context: {
    readonly db: DuckDBConnection;
    readonly path: string;
    readonly file: string;
    /** The sha256 of the file's bytes. */
    readonly sha256: string;
    readonly options: Readonly<Record<string, string>>;
    readonly config: TConfig;
    /** The time of the claim: readings after the end of tomorrow (Paris) are not days of the file. */
    readonly now: Date;
  }): Promise<readonly string[]>;
}

export interface DropCapability<TConfig = unknown> extends DropHandler<TConfig> {
  readonly kind: 'drop';
  readonly dataset: string;
}

/** Files of `dataset` may be dropped in its inbox; `handler` reads which days each holds. */
export function dropFiles<TConfig, TMetrics>(
  dataset: DatasetDefinition<TConfig, TMetrics>,
  handler: DropHandler<TConfig>,
): DropCapability<TConfig> {
  return { ...handler, kind: 'drop', dataset: dataset.name };
}
