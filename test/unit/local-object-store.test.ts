/** What only the local store has to say: no temporary files left, no escape through symbolic links. */
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { LocalObjectStore } from '../../src/storage/local-object-store.js';

let root: string;
let store: LocalObjectStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'courant-objects-'));
  store = new LocalObjectStore(path.join(root, 'data'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('LocalObjectStore', () => {
  it('leaves no temporary file behind after overwriting', async () => {
    const key = storageKeys.metrics('eco2mix', '2024-10-27');
    await store.put(key, 'first');
    await store.put(key, 'second');
    expect(await readdir(path.dirname(store.pathOf(key)))).toEqual(['metrics.json']);
  });

  it('writes an object into a folder it makes on the way, and one removed since is made again', async () => {
    const key = storageKeys.metrics('eco2mix', '2024-10-27');
    expect(await store.put(key, 'é')).toEqual({ key, bytes: 2 });
    await rm(path.join(root, 'data'), { recursive: true });
    expect(await store.put(key, 'again')).toEqual({ key, bytes: 5 });
    expect(Buffer.from(await store.get(key)).toString()).toBe('again');
  });

  it('copies a file into a folder it makes on the way, again once removed; a missing source fails as such', async () => {
    const source = path.join(root, 'day.parquet');
    await writeFile(source, 'parquet bytes');
    const key = storageKeys.processed('eco2mix', '2024-10-27', 'eco2mix_national');
    expect(await store.putFile(key, source)).toEqual({ key, bytes: 13 });
    await rm(path.join(root, 'data', 'processed'), { recursive: true });
    expect(await store.putFile(key, source)).toEqual({ key, bytes: 13 });
    expect(Buffer.from(await store.get(key)).toString()).toBe('parquet bytes');
    const other = storageKeys.processed('eco2mix', '2024-10-28', 'eco2mix_national');
    await expect(store.putFile(other, path.join(root, 'missing.parquet'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(path.dirname(store.pathOf(other)))).toEqual([]);
  });

  it('fails a write whose folder cannot be made, leaving nothing behind', async () => {
    await mkdir(path.join(root, 'data', 'metrics'), { recursive: true });
    await writeFile(path.join(root, 'data', 'metrics', 'eco2mix'), 'a file where a folder should be');
    await expect(store.put(storageKeys.metrics('eco2mix', '2024-10-27'), 'x')).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    expect(await readdir(path.join(root, 'data', 'metrics'))).toEqual(['eco2mix']);
  });

  it('refuses to follow a symbolic link out of the data directory', async () => {
    const outside = path.join(root, 'outside');
    await mkdir(outside);
    await mkdir(path.join(root, 'data'), { recursive: true });
    await symlink(outside, path.join(root, 'data', 'raw'));
    await expect(store.put('raw/eco2mix/dt=2024-01-01/x.csv', 'x')).rejects.toThrow(/resolves outside/);
    await expect(store.get('raw/eco2mix/dt=2024-01-01/x.csv')).rejects.toThrow(/resolves outside/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a link laid beside folders it has already written into', async () => {
    const outside = path.join(root, 'outside');
    await mkdir(outside);
    await store.put('raw/eco2mix/dt=2024-01-01/x.csv', 'x');
    await store.put('raw/eco2mix/dt=2024-01-02/x.csv', 'x');
    await symlink(outside, path.join(root, 'data', 'raw', 'eco2mix', 'dt=2024-01-03'));
    await expect(store.put('raw/eco2mix/dt=2024-01-03/x.csv', 'x')).rejects.toThrow(/resolves outside/);
    await symlink(outside, path.join(root, 'data', 'raw', 'cityflow'));
    await expect(store.put('raw/cityflow/dt=2024-01-01/x.csv', 'x')).rejects.toThrow(/resolves outside/);
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('storage keys', () => {
  it('follow the storage layout of docs/architecture.md', () => {
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

  it('refuse malformed dataset names, malformed dates and unsafe names', () => {
    expect(() => storageKeys.raw('../etc', '2025-08-22', 'realtime', 'csv')).toThrow(/invalid dataset name/);
    expect(() => storageKeys.raw('eco2mix', '2025-08-22/../..', 'realtime', 'csv')).toThrow(/YYYY-MM-DD/);
    expect(() => storageKeys.raw('eco2mix', '2025-08-22', '../x', 'csv')).toThrow(/invalid source/);
  });
});
