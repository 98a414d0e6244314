/** The ObjectStore contract on every implementation, S3 ones on the real MinIO server. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CachedObjectStore } from '../../src/storage/cached-object-store.js';
import { cacheCopy, FallbackObjectStore, mirrorCopy } from '../../src/storage/fallback-object-store.js';
import { LocalObjectStore } from '../../src/storage/local-object-store.js';
import { ObjectCache } from '../../src/storage/object-cache.js';
import { ObjectNotFoundError } from '../../src/storage/object-store.js';
import { newS3Store, testS3Client } from '../support/aws.js';
import { objectStoreContract } from './object-store-contract.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'courant-objects-'));

objectStoreContract('local files', async () => {
  const root = await tempDir();
  return {
    store: new LocalObjectStore(root),
    readOrigins: ['store'],
    close: () => rm(root, { recursive: true, force: true }),
  };
});

objectStoreContract('S3 (MinIO)', async () => {
  const client = testS3Client();
  return { store: await newS3Store(client), readOrigins: ['store'], close: () => Promise.resolve(client.destroy()) };
});

objectStoreContract('S3 through the cache', async () => {
  const client = testS3Client();
  const dir = await tempDir();
  const s3 = await newS3Store(client);
  return {
    store: new CachedObjectStore(s3, new ObjectCache(dir, s3.location, 64 * 1024 * 1024)),
    readOrigins: ['cache', 'store'],
    close: async () => {
      client.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

objectStoreContract('aws mode: S3, cache, fallback to the mirror', async () => {
  const client = testS3Client();
  const dir = await tempDir();
  const s3 = await newS3Store(client);
  const cache = new ObjectCache(path.join(dir, 'cache'), s3.location, 64 * 1024 * 1024);
  const mirror = new LocalObjectStore(path.join(dir, 'mirror'));
  return {
    store: new FallbackObjectStore(new CachedObjectStore(s3, cache), mirror, [cacheCopy(cache), mirrorCopy(mirror)]),
    readOrigins: ['cache', 'store'],
    close: async () => {
      client.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('local files under a root not made yet', () => {
  it('find nothing, then keep what is written', async () => {
    const parent = await tempDir();
    try {
      const store = new LocalObjectStore(path.join(parent, 'data'));
      const key = 'reports/dt=2024-10-27/daily_report.json';
      expect(await store.head(key)).toBeNull();
      expect(await store.fileInPlace(key)).toBeNull();
      await expect(store.read(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.list('reports')).toEqual([]);
      await store.put(key, '{}\n');
      expect(await store.head(key)).toEqual({ key, bytes: 3 });
      expect((await store.fileInPlace(key))?.path).toBe(path.join(parent, 'data', key));
      expect(new TextDecoder().decode(await store.get(key))).toBe('{}\n');
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
