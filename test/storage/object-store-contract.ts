/**
 * The ObjectStore contract (docs/architecture.md#storage-keys), one suite run against every
 * implementation: local files, S3, S3 through the cache, and the aws-mode fallback store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { ObjectNotFoundError, type ObjectStore } from '../../src/storage/object-store.js';

export interface ObjectStoreUnderTest {
  readonly store: ObjectStore;
  /** Origins a read of an object this store just wrote may report. */
  readonly readOrigins: readonly string[];
  close(): Promise<void>;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Large enough for a multipart upload (S3 stores under test use 5 MiB parts). */
const LARGE_BYTES = 12 * 1024 * 1024 + 123;

export function objectStoreContract(name: string, open: () => Promise<ObjectStoreUnderTest>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let subject: ObjectStoreUnderTest;
    let store: ObjectStore;
    let scratch: string;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-contract-'));
    });
    afterAll(async () => {
      await subject.close();
      await rm(scratch, { recursive: true, force: true });
    });

    it('writes, reads back and overwrites an object, saying where the read came from', async () => {
      const key = storageKeys.metrics('eco2mix', '2024-10-27');
      expect(await store.put(key, 'first', { contentType: 'application/json' })).toMatchObject({ key, bytes: 5 });
      await store.put(key, 'second');
      expect(Buffer.from(await store.get(key)).toString()).toBe('second');
      const read = await store.read(key);
      expect(Buffer.from(read.body).toString()).toBe('second');
      expect(read).toMatchObject({ key, bytes: 6 });
      expect(subject.readOrigins).toContain(read.origin);
      expect(await store.head(key)).toMatchObject({ key, bytes: 6 });
    });

    it('lists the objects under a folder, at any depth and sorted, and deletes one', async () => {
      const folder = `inbox/contract-${randomBytes(4).toString('hex')}`;
      expect(await store.list(folder)).toEqual([]);
      await store.put(`${folder}/b.csv`, 'bb');
      await store.put(`${folder}/a/deeper.csv`, 'a');
      await store.put(`${folder}-sibling/c.csv`, 'c');
      expect((await store.list(folder)).map((o) => [o.key, o.bytes])).toEqual([
        [`${folder}/a/deeper.csv`, 1],
        [`${folder}/b.csv`, 2],
      ]);
      await store.delete(`${folder}/b.csv`);
      await store.delete(`${folder}/never-written.csv`);
      expect(await store.head(`${folder}/b.csv`)).toBeNull();
      expect((await store.list(folder)).map((o) => o.key)).toEqual([`${folder}/a/deeper.csv`]);
    });

    it('stores a local file under a key and streams an object out to a file', async () => {
      const key = storageKeys.processed('eco2mix', '2024-01-01', 'eco2mix_national');
      const source = path.join(scratch, 'source.bin');
      const bytes = randomBytes(100_000);
      await writeFile(source, bytes);
      expect(await store.putFile(key, source)).toMatchObject({ key, bytes: bytes.byteLength });
      const target = path.join(scratch, 'copy.bin');
      const read = await store.getToFile(key, target);
      expect(read).toMatchObject({ key, bytes: bytes.byteLength });
      expect(sha(await readFile(target))).toBe(sha(bytes));
      expect(await readFile(source)).toEqual(bytes);
    });

    it('gives the file it keeps an object in to be read in place, when it keeps files, and null for an absent one', async (context) => {
      if (!store.fileInPlace) return context.skip();
      const key = storageKeys.processed('eco2mix', '2024-01-03', 'eco2mix_national');
      const bytes = randomBytes(10_000);
      await store.put(key, bytes);
      const file = await store.fileInPlace(key);
      expect(file).toMatchObject({ key, bytes: bytes.byteLength, origin: 'store' });
      expect(sha(await readFile(file?.path ?? ''))).toBe(sha(bytes));
      expect(await store.fileInPlace('processed/eco2mix/dt=2012-01-01/none.parquet')).toBeNull();
      await expect(store.fileInPlace('../outside')).rejects.toThrow(RangeError);
    });

    it('round-trips a body larger than one upload part, byte for byte', async () => {
      const key = storageKeys.raw('eco2mix', '2024-01-02', 'realtime', 'csv');
      const big = randomBytes(LARGE_BYTES);
      expect((await store.put(key, big)).bytes).toBe(LARGE_BYTES);
      expect(sha(await store.get(key))).toBe(sha(big));
      const target = path.join(scratch, 'big.bin');
      await store.getToFile(key, target);
      expect(sha(await readFile(target))).toBe(sha(big));
    });

    it('says which key is missing, for every kind of read', async () => {
      const key = 'raw/eco2mix/dt=2012-01-01/none.csv';
      await expect(store.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.read(key)).rejects.toThrow(/none\.csv/);
      await expect(store.getToFile(key, path.join(scratch, 'none'))).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.head(key)).toBeNull();
    });

    it('refuses keys that could leave the store, for writes and reads alike', async () => {
      for (const key of ['../outside', 'raw/../../x', '/etc/passwd', 'a//b', 'a\0b', 'C:\\x', '', 'raw/./x', 'a b']) {
        await expect(store.put(key, 'x')).rejects.toThrow(RangeError);
        await expect(store.get(key)).rejects.toThrow(RangeError);
        await expect(store.head(key)).rejects.toThrow(RangeError);
      }
    });

    it('serves concurrent reads of one key with the same bytes', async () => {
      const key = storageKeys.dailyReport('2024-03-31', 'json');
      const body = randomBytes(300_000);
      await store.put(key, body);
      const reads = await Promise.all(Array.from({ length: 8 }, () => store.get(key)));
      for (const read of reads) expect(sha(read)).toBe(sha(body));
    });

    it('never lets a reader see part of an object while a large write is in flight', async () => {
      const key = storageKeys.dailyReport('2024-01-01', 'json');
      const big = randomBytes(LARGE_BYTES);
      await store.put(key, 'old');
      const writing = store.put(key, big);
      const seen = new Set<string>();
      let done = false;
      void writing.then(
        () => (done = true),
        () => (done = true),
      );
      for (let i = 0; i < 200 && !done; i += 1) seen.add(sha(await store.get(key)));
      await writing;
      seen.add(sha(await store.get(key)));
      for (const digest of seen) expect([sha(Buffer.from('old')), sha(big)]).toContain(digest);
      expect(sha(await store.get(key))).toBe(sha(big));
    });
  });
}
