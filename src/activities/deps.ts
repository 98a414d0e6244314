/** What activities are built with: clients made once by the worker and injected. */
import type { DuckDBInstance } from '@duckdb/node-api';
import type { SftpSourceConfig } from '../config/index.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import type { LocalRoot } from '../faults/storage-misconfigured.js';
import type { ActivityMetrics } from '../observability/metrics.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';

export interface ActivityDeps {
  readonly objects: ObjectStore;
  readonly records: RecordStore;
  readonly duckdb: DuckDBInstance;
  /** The datasets this worker runs, each with its configuration. */
  readonly datasets: DatasetCatalog;
  readonly sourceTimeoutMs: number;
  /** Scratch space for files DuckDB reads or writes before they are stored. */
  readonly scratchDir: string;
  /** `DUCKDB_MEMORY_LIMIT`: what a DuckDB of an activity's own may use (billing's); DuckDB's default when absent. */
  readonly duckdbMemoryLimit?: string;
  /** `BILLING_SHARD_PRMS`: past this many PRMs a month is billed in shards of as many (absent: never). */
  readonly billingShardPrms?: number;
  /** The rates files billing reads (`src/billing/rates/` when absent). */
  readonly ratesFiles?: { readonly turpe: string; readonly cta: string };
  /** The local directories the activities write, to name the variable when one cannot be written. */
  readonly localRoots: readonly LocalRoot[];
  readonly codeVersion: string;
  /** The SFTP server of each dataset picked up from one, by dataset name; absent: none. */
  readonly sftp?: Readonly<Record<string, SftpSourceConfig>>;
  /** Where activities count finished days and source requests; absent when metrics are off. */
  readonly metrics?: ActivityMetrics;
}
