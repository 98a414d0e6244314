/**
 * The stored Enedis tables billing reads, as files DuckDB can open (the store's own file where it
 * keeps one, else a copy in `dir`): `contract_events` of every stored day before `until`, and
 * `index_readings` of the days `readingDays`. Reads storage only.
 */
import path from 'node:path';
import { EVENT_TABLE, INDEX_TABLE } from '../datasets/enedis/day-transform.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { readableFile } from '../storage/readable-file.js';
import { storageKeys } from '../workflow-safe/keys.js';

const DATASET = 'enedis';
const EVENT_KEY = new RegExp(`^processed/${DATASET}/dt=(\\d{4}-\\d{2}-\\d{2})/${EVENT_TABLE}\\.parquet$`);

export interface BillingTables {
  readonly eventFiles: string[];
  readonly readingFiles: string[];
}

async function readable(objects: ObjectStore, key: string, dir: string, date: string): Promise<string | null> {
  try {
    return (await readableFile(objects, key, path.join(dir, date))).path;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

/** See the module's doc. `until` is a date `YYYY-MM-DD` (exclusive). */
export async function storedBillingTables(
  objects: ObjectStore,
  dir: string,
  until: string,
  readingDays: readonly string[],
): Promise<BillingTables> {
  const eventDays = (await objects.list(`processed/${DATASET}`))
    .map((object) => EVENT_KEY.exec(object.key)?.[1])
    .filter((date): date is string => date !== undefined && date < until)
    .sort();
  const eventFiles: string[] = [];
  for (const date of eventDays) {
    const file = await readable(objects, storageKeys.processed(DATASET, date, EVENT_TABLE), dir, date);
    if (file !== null) eventFiles.push(file);
  }
  const readingFiles: string[] = [];
  for (const date of readingDays) {
    const file = await readable(objects, storageKeys.processed(DATASET, date, INDEX_TABLE), dir, date);
    if (file !== null) readingFiles.push(file);
  }
  return { eventFiles, readingFiles };
}
