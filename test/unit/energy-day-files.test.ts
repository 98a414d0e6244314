/**
 * The stored days an energy computation reads: each day's table as a file, with the tables read
 * alongside beside it — the local store's own files, or copies from a store that keeps none.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { enedisEnergies } from '../../src/datasets/enedis/energies.js';
import { energyDayFiles } from '../../src/serve/period-energies.js';
import { LocalObjectStore } from '../../src/storage/local-object-store.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { storageKeys } from '../../src/workflow-safe/keys.js';

let root: string;
let store: LocalObjectStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'courant-energy-days-'));
  store = new LocalObjectStore(path.join(root, 'data'));
  // Two days with their index table, the first with its stated energies too; a day outside the range.
  for (const date of ['2024-03-31', '2024-04-01', '2024-04-03'])
    await store.put(storageKeys.processed('enedis', date, 'index_readings'), `index ${date}`);
  await store.put(storageKeys.processed('enedis', '2024-03-31', 'stated_energies'), 'stated 2024-03-31');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const range = { first: '2024-03-31', last: '2024-04-01' };

it('reads a local store’s own files, its tables alongside beside them', async () => {
  const files = await energyDayFiles(store, 'enedis', enedisEnergies, range, path.join(root, 'work'));
  expect(files.map((file) => path.relative(root, file))).toEqual([
    'data/processed/enedis/dt=2024-03-31/index_readings.parquet',
    'data/processed/enedis/dt=2024-04-01/index_readings.parquet',
  ]);
});

it('copies the days of a store that keeps no file, each with its tables alongside', async () => {
  // The same store, its own files hidden (as S3's): whatever it is asked for is copied.
  const withoutFiles: ObjectStore = Object.assign(Object.create(store) as LocalObjectStore, { fileInPlace: undefined });
  const work = path.join(root, 'work');
  const files = await energyDayFiles(withoutFiles, 'enedis', enedisEnergies, range, work);
  expect(files).toEqual([
    path.join(work, '2024-03-31', 'index_readings.parquet'),
    path.join(work, '2024-04-01', 'index_readings.parquet'),
  ]);
  expect(await readFile(path.join(work, '2024-03-31', 'stated_energies.parquet'), 'utf8')).toBe('stated 2024-03-31');
  expect(await readFile(files[1] ?? '', 'utf8')).toBe('index 2024-04-01');
});
