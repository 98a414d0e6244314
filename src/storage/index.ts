/** createStorage(config): the object store and record store for the configured environment. */
import type { Config } from '../config/index.js';
import { LocalObjectStore } from './local-object-store.js';
import { MongoRecordStore } from './mongo-record-store.js';
import type { ObjectStore } from './object-store.js';
import type { RecordStore } from './records.js';

export interface Storage {
  readonly objects: ObjectStore;
  readonly records: RecordStore;
}

export async function createStorage(config: Config): Promise<Storage> {
  const objects = new LocalObjectStore(config.storage.dataDir);
  const records = await MongoRecordStore.connect(config.storage.mongodbUrl, config.storage.recordPrefix);
  return { objects, records };
}

export type { ObjectStore } from './object-store.js';
export type { RecordStore, DayRun, DayRunPatch } from './records.js';
