/**
 * The stored days an energy computation reads: each day's table as a file, with the tables read
 * alongside beside it, as they were when listed — hard links to the local store's own files, or
 * copies from a store that keeps none or whose files are on another filesystem.
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { ObjectStore } from '../../src/storage/object-store.js';

/** When set, a hard link fails as it does across two filesystems. */
const links = vi.hoisted(() => ({ crossDevice: false, made: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  return {
    ...fs,
    link: async (...args: Parameters<typeof fs.link>) => {
      if (links.crossDevice)
        throw Object.assign(new Error(`EXDEV: cross-device link not permitted, link '${String(args[0])}'`), {
          code: 'EXDEV',
        });
      links.made += 1;
      return fs.link(...args);
    },
  };
});
const { enedisEnergies } = await import('../../src/datasets/enedis/energies.js');
const { energyDayFiles } = await import('../../src/serve/period-energies.js');
const { LocalObjectStore } = await import('../../src/storage/local-object-store.js');
const { storageKeys } = await import('../../src/workflow-safe/keys.js');

let root: string;
let store: InstanceType<typeof LocalObjectStore>;
const indexKey = (date: string) => storageKeys.processed('enedis', date, 'index_readings');

beforeEach(async () => {
  links.crossDevice = false;
  links.made = 0;
  root = await mkdtemp(path.join(os.tmpdir(), 'courant-energy-days-'));
  store = new LocalObjectStore(path.join(root, 'data'));
  // Two days with their index table, the first with its stated energies too; a day outside the range.
  for (const date of ['2024-03-31', '2024-04-01', '2024-04-03']) await store.put(indexKey(date), `index ${date}`);
  await store.put(storageKeys.processed('enedis', '2024-03-31', 'stated_energies'), 'stated 2024-03-31');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const range = { first: '2024-03-31', last: '2024-04-01' };
/** The index tables of the range's two days, as the computation's folder `work` holds them. */
const daysIn = (work: string) =>
  ['2024-03-31', '2024-04-01'].map((date) => path.join(work, date, 'index_readings.parquet'));

it('links a local store’s days with their tables alongside, and keeps the version linked when a day is re-run', async () => {
  const work = path.join(root, 'work');
  const files = await energyDayFiles(store, 'enedis', enedisEnergies, range, work);
  expect(files).toEqual(daysIn(work));
  expect(links.made).toBe(3);
  // Links, not copies: the store's own bytes.
  const stored = path.join(root, 'data', indexKey('2024-04-01'));
  expect((await stat(files[1] ?? '')).ino).toBe((await stat(stored)).ino);
  expect(await readFile(path.join(work, '2024-03-31', 'stated_energies.parquet'), 'utf8')).toBe('stated 2024-03-31');

  // The day re-run while the computation reads it: the store has the new table, the computation the one it listed.
  await store.put(indexKey('2024-04-01'), 'index 2024-04-01, re-run');
  expect(await readFile(stored, 'utf8')).toBe('index 2024-04-01, re-run');
  expect(await readFile(files[1] ?? '', 'utf8')).toBe('index 2024-04-01');
});

it('copies a local store’s days when its files are on another filesystem than the computation’s folder', async () => {
  links.crossDevice = true;
  const work = path.join(root, 'work');
  const files = await energyDayFiles(store, 'enedis', enedisEnergies, range, work);
  expect(files).toEqual(daysIn(work));
  const stored = path.join(root, 'data', indexKey('2024-04-01'));
  expect((await stat(files[1] ?? '')).ino).not.toBe((await stat(stored)).ino);
  await store.put(indexKey('2024-04-01'), 'index 2024-04-01, re-run');
  expect(await readFile(files[1] ?? '', 'utf8')).toBe('index 2024-04-01');
  expect(await readFile(path.join(work, '2024-03-31', 'stated_energies.parquet'), 'utf8')).toBe('stated 2024-03-31');
});

it('copies the days of a store that keeps no file, each with its tables alongside', async () => {
  // The same store, its own files hidden (as S3's): whatever it is asked for is copied.
  const withoutFiles: ObjectStore = Object.assign(Object.create(store) as ObjectStore, { fileInPlace: undefined });
  const work = path.join(root, 'work');
  const files = await energyDayFiles(withoutFiles, 'enedis', enedisEnergies, range, work);
  expect(files).toEqual(daysIn(work));
  expect(links.made).toBe(0);
  expect(await readFile(path.join(work, '2024-03-31', 'stated_energies.parquet'), 'utf8')).toBe('stated 2024-03-31');
  expect(await readFile(files[1] ?? '', 'utf8')).toBe('index 2024-04-01');
});
