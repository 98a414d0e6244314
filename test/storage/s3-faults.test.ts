/**
 * The aws-mode object store when S3 goes away, on a MinIO of this file's own that is stopped and
 * started again: reads fall back to local copies and say so, writes fail retryably and land
 * nowhere else, an interrupted upload never shows a part.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { CachedObjectStore } from '../../src/storage/cached-object-store.js';
import { cacheCopy, FallbackObjectStore, mirrorCopy } from '../../src/storage/fallback-object-store.js';
import { LocalObjectStore } from '../../src/storage/local-object-store.js';
import { ObjectCache } from '../../src/storage/object-cache.js';
import { StorageUnavailableError } from '../../src/storage/object-store.js';
import type { S3ObjectStore } from '../../src/storage/s3-object-store.js';
import {
  capturedLogger,
  newS3Store,
  recordCommands,
  startPrivateMinio,
  testS3Client,
  type PrivateServer,
} from '../support/aws.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let minio: PrivateServer;
let client: S3Client;
let sent: string[];
let dir: string;
let s3: S3ObjectStore;
let cache: ObjectCache;
let mirror: LocalObjectStore;
let store: FallbackObjectStore;
const log = capturedLogger();

beforeAll(async () => {
  minio = await startPrivateMinio();
  client = testS3Client(minio.endpoint);
  sent = recordCommands(client);
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-s3-faults-'));
  s3 = await newS3Store(client);
  cache = new ObjectCache(path.join(dir, 'cache'), s3.location, 64 * 1024 * 1024, log.logger);
  mirror = new LocalObjectStore(path.join(dir, 'mirror'));
  store = new FallbackObjectStore(
    new CachedObjectStore(s3, cache, log.logger),
    mirror,
    [cacheCopy(cache), mirrorCopy(mirror)],
    log.logger,
  );
});

afterAll(async () => {
  client.destroy();
  await minio.close();
  await rm(dir, { recursive: true, force: true });
});

describe('S3 stopped', () => {
  const cachedKey = storageKeys.raw('eco2mix', '2024-02-01', 'realtime', 'csv');
  const mirroredKey = storageKeys.raw('eco2mix', '2024-02-01', 'consolidated', 'csv');
  const unknownKey = storageKeys.metrics('eco2mix', '2024-02-01');

  it('serves reads from the cache, then from the mirror, logged and marked as fallback', async () => {
    await store.put(cachedKey, 'realtime rows');
    await store.put(mirroredKey, 'consolidated rows');
    await cache.invalidate(mirroredKey); // evicted: only the mirror has it now
    await minio.stop();

    const fromCache = await store.read(cachedKey);
    expect(fromCache).toMatchObject({ origin: 'fallback', bytes: 13 });
    expect(Buffer.from(fromCache.body).toString()).toBe('realtime rows');
    const target = path.join(dir, 'consolidated.csv');
    expect(await store.getToFile(mirroredKey, target)).toMatchObject({ origin: 'fallback', bytes: 17 });
    expect(await store.head(mirroredKey)).toMatchObject({ bytes: 17 });

    const fallbacks = log.lines().filter((l) => l.msg === 'S3 unreachable: read served from a local copy');
    expect(fallbacks.map((l) => [l.key, l.servedFrom])).toEqual(
      expect.arrayContaining([
        [cachedKey, 'cache'],
        [mirroredKey, 'mirror'],
      ]),
    );
    expect(String(fallbacks[0]?.cause)).toMatch(/S3 unreachable/);
  });

  it('lists the mirror in its stead, unless the caller wants the store itself (courant verify)', async () => {
    const folder = 'raw/eco2mix';
    expect((await store.list(folder)).map((o) => o.key)).toEqual([mirroredKey, cachedKey]);
    await expect(store.list(folder, { storeOnly: true })).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('fails a read retryably when no local copy exists, instead of claiming the object is absent', async () => {
    const error: unknown = await store.read(unknownKey).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as StorageUnavailableError).type).toBe('TransientIO');
    expect((error as Error).message).toMatch(/no local copy/);
    await expect(store.head(unknownKey)).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('fails writes retryably, writes nothing elsewhere, and succeeds once S3 is back', async () => {
    await expect(store.put(unknownKey, '{"points":96}')).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await mirror.head(unknownKey)).toBeNull();
    expect(await cache.lookup(unknownKey)).toBeUndefined();

    await minio.start();
    await store.put(unknownKey, '{"points":96}');
    expect(await store.read(unknownKey)).toMatchObject({ origin: 'cache', bytes: 13 });
    expect(await mirror.head(unknownKey)).toMatchObject({ bytes: 13 });
    expect((await store.read(cachedKey)).origin).toBe('cache');
  });
});

describe('S3 going away during a multipart upload', () => {
  it('leaves readers with the previous object, never a part, and the upload fails retryably', async () => {
    const key = storageKeys.processed('eco2mix', '2024-02-02', 'eco2mix_national');
    await store.put(key, 'previous version');
    const big = randomBytes(40 * 1024 * 1024);
    sent.length = 0;
    const upload = store.put(key, big).then(
      () => null,
      (e: unknown) => e,
    );
    while (!sent.includes('UploadPartCommand')) await new Promise((r) => setTimeout(r, 5));
    await minio.stop();
    const error = await upload;
    await minio.start();

    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(sha(await s3.get(key))).toBe(sha(Buffer.from('previous version')));
    expect(Buffer.from(await store.get(key)).toString()).toBe('previous version');
    expect(Buffer.from(await mirror.get(key)).toString()).toBe('previous version');
  });
});
