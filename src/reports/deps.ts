/** What building reports needs: the stores and DuckDB, injected by the activities. */
import type { DuckDBInstance } from '@duckdb/node-api';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';

export interface ReportDeps {
  readonly objects: ObjectStore;
  readonly records: RecordStore;
  readonly duckdb: DuckDBInstance;
  /** Where Parquet files are copied for DuckDB to read. */
  readonly scratchDir: string;
}
