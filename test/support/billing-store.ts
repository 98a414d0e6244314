/**
 * Enedis flows written by a test, stored as the enedis days store them: each file's days (its
 * claim), then each day's transform over the files that cover it, in a folder per day. Gives the
 * `contract_events` and `index_readings` tables billing reads.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_TABLE, INDEX_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { enedisDrop } from '../../src/datasets/enedis/drop.js';
import { enedisDataset } from '../../src/datasets/enedis/module.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { RecordStore } from '../../src/storage/records.js';
import { succeededRun } from './console-days.js';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { runModuleDay } from './module-day.js';
import type { ScratchDuckDb } from './scratch-duckdb.js';

const config = { jumpKWh: 1_000_000 };
const NOW = new Date('2027-01-01T12:00:00Z');

export interface StoredTables {
  readonly eventFiles: string[];
  readonly readingFiles: string[];
  /** Each stored day's tables, by date (what `putStoredDays` puts at their storage keys). */
  readonly days: Array<{ readonly date: string; readonly eventFile: string; readonly readingFile: string }>;
}

let written = 0;

/** Stores the flows `bodies` (XML texts, in order of arrival) as the enedis days would. */
export async function storeFlows(scratch: ScratchDuckDb, bodies: readonly string[]): Promise<StoredTables> {
  const files: Array<{ file: DayFile; days: readonly string[] }> = [];
  for (const [order, body] of bodies.entries()) {
    written += 1;
    const local = path.join(scratch.dir, `flow-${written}.xml`);
    await writeFile(local, body);
    const file: DayFile = {
      source: 'drop',
      key: `raw/enedis/drops/flow-${written}.xml`,
      path: local,
      sha256: await sha256OfFile(local),
      order,
      options: {},
    };
    const days = await enedisDrop.days({
      db: scratch.connection,
      path: local,
      file: file.key,
      sha256: file.sha256,
      options: {},
      config,
      now: NOW,
    });
    files.push({ file, days: days ?? [] });
  }
  const dates = [...new Set(files.flatMap((f) => f.days))].sort();
  const stored: StoredTables = { eventFiles: [], readingFiles: [], days: [] };
  for (const date of dates) {
    const dayFiles = files.filter((f) => f.days.includes(date)).map((f) => f.file);
    const day = await runModuleDay(enedisDataset, config, scratch, date, dayFiles, { metrics: false });
    stored.eventFiles.push(day.tablePath(EVENT_TABLE));
    stored.readingFiles.push(day.tablePath(INDEX_TABLE));
    stored.days.push({ date, eventFile: day.tablePath(EVENT_TABLE), readingFile: day.tablePath(INDEX_TABLE) });
  }
  return stored;
}

/**
 * Puts each stored day's tables where the enedis days put them (`processed/enedis/dt={date}/…`),
 * and its record as its succeeded run writes it: billing reads the days whose run succeeded.
 */
export async function putStoredDays(
  storage: { readonly objects: ObjectStore; readonly records: RecordStore },
  stored: StoredTables,
): Promise<void> {
  for (const day of stored.days) {
    await storage.objects.putFile(storageKeys.processed('enedis', day.date, EVENT_TABLE), day.eventFile);
    await storage.objects.putFile(storageKeys.processed('enedis', day.date, INDEX_TABLE), day.readingFile);
    await storage.records.upsertDayRun(succeededRun('enedis', day.date));
  }
}
