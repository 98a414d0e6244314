/** What every route of the console reads: the stores (guarded), the configuration, the dataset catalog and the clock. */
import type { Config } from '../config/index.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';
import type { StorageGuard } from './storage-guard.js';

export interface ConsoleContext {
  readonly records: RecordStore;
  readonly objects: ObjectStore;
  readonly guard: StorageGuard;
  readonly config: Config;
  /** The datasets, built once when the console starts: every list, capability and due time comes from it. */
  readonly catalog: DatasetCatalog;
  readonly now: () => Date;
}
