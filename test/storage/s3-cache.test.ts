/** The S3 read cache on the real MinIO server: ETag validation, sharing, damage, eviction, restarts. */
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CachedObjectStore } from '../../src/storage/cached-object-store.js';
import { ObjectCache } from '../../src/storage/object-cache.js';
import { ObjectNotFoundError } from '../../src/storage/object-store.js';
import type { S3ObjectStore } from '../../src/storage/s3-object-store.js';
import { newS3Store, recordCommands, testS3Client } from '../support/aws.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const key = (n: number) => `raw/eco2mix/dt=2024-01-${String(n).padStart(2, '0')}/realtime.csv`;

let client: S3Client;
let s3: S3ObjectStore;
let sent: string[];
let dir: string;

beforeAll(async () => {
  client = testS3Client();
  sent = recordCommands(client);
  s3 = await newS3Store(client);
});
afterAll(() => client.destroy());
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-cache-'));
  sent.length = 0;
  return () => rm(dir, { recursive: true, force: true });
});

const cachedStore = (maxBytes = 64 * 1024 * 1024) => {
  const cache = new ObjectCache(dir, s3.location, maxBytes);
  return { cache, store: new CachedObjectStore(s3, cache) };
};

describe('CachedObjectStore', () => {
  it('serves an unchanged object from the cache after one conditional GET, and refetches a changed one', async () => {
    await s3.put(key(1), 'version 1');
    const { store } = cachedStore();
    expect(await store.read(key(1))).toMatchObject({ origin: 'store', bytes: 9 });
    sent.length = 0;
    const again = await store.read(key(1));
    expect(again.origin).toBe('cache');
    expect(Buffer.from(again.body).toString()).toBe('version 1');
    expect(sent).toEqual(['GetObjectCommand']);

    await s3.put(key(1), 'version 2, written by another worker'); // a new ETag
    const changed = await store.read(key(1));
    expect(changed.origin).toBe('store');
    expect(Buffer.from(changed.body).toString()).toBe('version 2, written by another worker');
    expect((await store.read(key(1))).origin).toBe('cache');
  });

  it('caches what it writes, so reading it back costs a 304', async () => {
    const { store } = cachedStore();
    await store.put(key(2), randomBytes(1000));
    sent.length = 0;
    expect((await store.read(key(2))).origin).toBe('cache');
    expect(sent).toEqual(['GetObjectCommand']);
  });

  it('shares one GET between concurrent reads of the same key', async () => {
    const body = randomBytes(2 * 1024 * 1024);
    await s3.put(key(3), body);
    const { store } = cachedStore();
    sent.length = 0;
    const target = path.join(dir, 'copy.bin');
    const [a, b, c] = await Promise.all([store.read(key(3)), store.read(key(3)), store.getToFile(key(3), target)]);
    expect(sent.filter((c) => c === 'GetObjectCommand')).toHaveLength(1);
    for (const digest of [sha(a.body), sha(b.body), sha(await readFile(target))]) expect(digest).toBe(sha(body));
    expect(c.bytes).toBe(body.byteLength);
  });

  it('detects a truncated cache file, fetches the object again and replaces the file', async () => {
    const body = randomBytes(500_000);
    await s3.put(key(4), body);
    const { cache, store } = cachedStore();
    await store.read(key(4));
    await truncate(cache.dataPathOf(key(4)), 1000);

    const read = await store.read(key(4));
    expect(read.origin).toBe('store');
    expect(sha(read.body)).toBe(sha(body));
    expect(sha(await readFile(cache.dataPathOf(key(4))))).toBe(sha(body));
    expect((await store.read(key(4))).origin).toBe('cache');
  });

  it('detects a corrupt cache file of the right size, through getToFile too', async () => {
    const body = randomBytes(200_000);
    await s3.put(key(5), body);
    const { cache, store } = cachedStore();
    await store.read(key(5));
    const damaged = Buffer.from(body);
    damaged[1234] = (damaged[1234] ?? 0) ^ 0xff;
    await writeFile(cache.dataPathOf(key(5)), damaged);

    const target = path.join(dir, 'out.bin');
    expect((await store.getToFile(key(5), target)).origin).toBe('store');
    expect(sha(await readFile(target))).toBe(sha(body));
  });

  it('evicts the least recently used entries to stay within S3_CACHE_MAX_BYTES', async () => {
    const size = 100_000;
    for (const n of [6, 7, 8, 9]) await s3.put(key(n), randomBytes(size));
    const { cache, store } = cachedStore(3 * size);
    await store.read(key(6));
    await store.read(key(7));
    await store.read(key(8));
    await store.read(key(6)); // 6 is now more recent than 7
    await store.read(key(9)); // over the bound: 7 goes

    expect(await cache.size()).toEqual({ entries: 3, bytes: 3 * size });
    expect(await cache.lookup(key(7))).toBeUndefined();
    for (const n of [6, 8, 9]) expect(await cache.lookup(key(n))).toBeDefined();
  });

  it('reads objects larger than the whole cache straight from S3, without caching them', async () => {
    const body = randomBytes(300_000);
    await s3.put(key(10), body);
    const { cache, store } = cachedStore(100_000);
    expect(sha((await store.read(key(10))).body)).toBe(sha(body));
    expect(await cache.size()).toEqual({ entries: 0, bytes: 0 });
  });

  it('drops the cached copy of an object deleted from S3, and says it is missing', async () => {
    await s3.put(key(13), 'soon gone');
    const { cache, store } = cachedStore();
    await store.read(key(13));
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: s3.objectKey(key(13)) }));
    await expect(store.read(key(13))).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await cache.lookup(key(13))).toBeUndefined();
  });

  it('keeps its entries and their order across a restart', async () => {
    await s3.put(key(11), 'kept');
    await cachedStore().store.read(key(11));
    const restarted = cachedStore();
    expect(await restarted.cache.size()).toMatchObject({ entries: 1 });
    expect((await restarted.store.read(key(11))).origin).toBe('cache');
  });

  it('stays correct when two caches (two workers) share a directory and read the same key at once', async () => {
    const body = randomBytes(1024 * 1024);
    await s3.put(key(12), body);
    const one = cachedStore();
    const two = cachedStore();
    const reads = await Promise.all([one.store.read(key(12)), two.store.read(key(12)), one.store.read(key(12))]);
    for (const read of reads) expect(sha(read.body)).toBe(sha(body));
    expect(sha((await two.store.read(key(12))).body)).toBe(sha(body));
  });
});
