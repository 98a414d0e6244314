/** What every route of the console reads: the stores (guarded), the configuration and the clock. */
import type { Config } from '../config/index.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { RecordStore } from '../storage/records.js';
import type { StorageGuard } from './storage-guard.js';

export interface ConsoleContext {
  readonly records: RecordStore;
  readonly objects: ObjectStore;
  readonly guard: StorageGuard;
  readonly config: Config;
  readonly now: () => Date;
}
