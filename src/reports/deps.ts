/** What building reports needs: the stores, DuckDB and the datasets' modules, injected by the activities. */
import type { DuckDBInstance } from '@duckdb/node-api';
import type { DatasetCatalog } from '../datasets/modules.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';

export interface ReportDeps {
  readonly objects: ObjectStore;
  readonly records: RecordStore;
  readonly duckdb: DuckDBInstance;
  /** Where Parquet files are copied for DuckDB to read. */
  readonly scratchDir: string;
  /** The datasets whose sections the reports show. */
  readonly datasets: DatasetCatalog;
}
