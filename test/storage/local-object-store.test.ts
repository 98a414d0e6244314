import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../src/storage/local-object-store.js';
import { ObjectNotFoundError } from '../../src/storage/object-store.js';
import { storageKeys } from '../../src/shared/keys.js';

let root: string;
let store: LocalObjectStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'courant-objects-'));
  store = new LocalObjectStore(root);
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('LocalObjectStore', () => {
  it('writes, reads back and overwrites an object, leaving no temporary file behind', async () => {
    const key = storageKeys.metrics('eco2mix', '2024-10-27');
    await store.put(key, 'first');
    await store.put(key, 'second');
    expect(Buffer.from(await store.get(key)).toString()).toBe('second');
    expect(await store.head(key)).toEqual({ key, bytes: 6 });
    expect(await readdir(path.dirname(store.pathOf(key)))).toEqual(['metrics.json']);
  });

  it('stores a local file under a key and copies an object out to a file', async () => {
    const source = path.join(root, 'source.bin');
    await writeFile(source, Buffer.from([1, 2, 3]));
    await store.putFile('processed/eco2mix/dt=2024-01-01/t.parquet', source);
    const target = path.join(root, 'copy.bin');
    await store.getToFile('processed/eco2mix/dt=2024-01-01/t.parquet', target);
    expect([...(await store.get('processed/eco2mix/dt=2024-01-01/t.parquet'))]).toEqual([1, 2, 3]);
  });

  it('says which key is missing and where', async () => {
    await expect(store.get('raw/eco2mix/dt=2024-01-01/none.csv')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.get('raw/eco2mix/dt=2024-01-01/none.csv')).rejects.toThrow(/none\.csv/);
    expect(await store.head('raw/eco2mix/dt=2024-01-01/none.csv')).toBeNull();
  });

  it('refuses keys that could leave the data directory, before touching the disk', async () => {
    for (const key of ['../outside', 'raw/../../x', '/etc/passwd', 'a//b', 'a\0b', 'C:\\x', '', 'raw/./x']) {
      await expect(store.put(key, 'x')).rejects.toThrow(RangeError);
    }
    expect(await readdir(root)).toEqual([]);
  });

  it('readers never see a partial object while a large write is in flight', async () => {
    const key = 'reports/dt=2024-01-01/daily_report.json';
    const big = 'x'.repeat(8 * 1024 * 1024);
    await store.put(key, 'old');
    const writing = store.put(key, big);
    const sizes = new Set<number>();
    for (let i = 0; i < 20; i += 1) sizes.add((await store.get(key)).byteLength);
    await writing;
    sizes.add((await store.get(key)).byteLength);
    expect([...sizes].every((s) => s === 3 || s === big.length)).toBe(true);
  });
});

describe('storage keys', () => {
  it('follow the DESIGN §3 layout', () => {
    expect(storageKeys.raw('eco2mix', '2025-08-22', 'realtime', 'csv')).toBe('raw/eco2mix/dt=2025-08-22/realtime.csv');
    expect(storageKeys.rawMeta('raw/eco2mix/dt=2025-08-22/realtime.csv')).toBe(
      'raw/eco2mix/dt=2025-08-22/realtime.csv.meta.json',
    );
    expect(storageKeys.processed('eco2mix', '2025-08-22', 'eco2mix_national')).toBe(
      'processed/eco2mix/dt=2025-08-22/eco2mix_national.parquet',
    );
    expect(storageKeys.rejects('eco2mix', '2025-08-22', 'eco2mix_national')).toBe(
      'quarantine/eco2mix/dt=2025-08-22/eco2mix_national.rejects.jsonl',
    );
    expect(storageKeys.dailyReport('2025-08-22', 'csv')).toBe('reports/dt=2025-08-22/daily_report.csv');
  });

  it('refuse unknown datasets, malformed dates and unsafe names', () => {
    expect(() => storageKeys.raw('../etc', '2025-08-22', 'realtime', 'csv')).toThrow(/unknown dataset/);
    expect(() => storageKeys.raw('eco2mix', '2025-08-22/../..', 'realtime', 'csv')).toThrow(/YYYY-MM-DD/);
    expect(() => storageKeys.raw('eco2mix', '2025-08-22', '../x', 'csv')).toThrow(/invalid source/);
  });
});
