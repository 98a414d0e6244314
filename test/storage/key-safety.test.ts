/**
 * Path traversal through dataset ids, dates and keys is refused before any I/O, by the key
 * builders and by every store (property-based: fast-check generates the attempts).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatasetName } from '../../src/workflow-safe/datasets.js';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { LocalObjectStore } from '../../src/storage/local-object-store.js';
import { assertSafeKey } from '../../src/storage/object-store.js';
import { S3ObjectStore } from '../../src/storage/s3-object-store.js';
import { recordCommands, testS3Client } from '../support/aws.js';

/** Pieces attackers combine: traversal, separators, NUL, encodings, lookalikes of real parts. */
const PIECES = [
  '..',
  '.',
  '/',
  '\\',
  '\0',
  '%2e%2e',
  '%2f',
  'eco2mix',
  '2024-10-27',
  'dt=',
  'raw',
  'C:',
  '~',
  ' ',
  '\n',
  'é',
  'a',
  '0',
] as const;
const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')),
);
const safeDate = /^\d{4}-\d{2}-\d{2}$/;

describe('storage keys built from dataset ids and dates', () => {
  it('exist only for well-formed dataset names and real dates, and then stay inside their partition', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (dataset, date, source) => {
        const builders = [
          () => storageKeys.raw(dataset, date, source, 'csv'),
          () => storageKeys.processed(dataset, date, source),
          () => storageKeys.rejects(dataset, date, source),
          () => storageKeys.metrics(dataset, date),
          () => storageKeys.dailyReport(date, 'json'),
        ];
        for (const build of builders) {
          let key: string;
          try {
            key = build();
          } catch (error) {
            expect(error).toBeInstanceOf(RangeError);
            continue;
          }
          expect(safeDate.test(date)).toBe(true);
          expect(() => assertSafeKey(key)).not.toThrow();
          if (key.startsWith('reports/')) {
            expect(key).toBe(`reports/dt=${date}/daily_report.json`);
            continue;
          }
          expect(isDatasetName(dataset)).toBe(true);
          expect(key.startsWith(`${key.split('/')[0] ?? ''}/${dataset}/dt=${date}/`)).toBe(true);
          expect(key.split('/')[0]).toMatch(/^(raw|processed|quarantine|metrics)$/);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('object stores given hostile keys', () => {
  let root: string;
  let local: LocalObjectStore;
  let s3: S3ObjectStore;
  let sent: string[];
  const client = testS3Client();

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'courant-traversal-'));
    local = new LocalObjectStore(path.join(root, 'data'));
    sent = recordCommands(client);
    s3 = new S3ObjectStore(client, 'never-created', 'courant');
  });
  afterAll(async () => {
    client.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('refuse every unsafe key with a RangeError before touching the disk or the network', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile.filter((key) => {
          try {
            assertSafeKey(key);
            return false;
          } catch {
            return true;
          }
        }),
        async (key) => {
          for (const store of [local, s3]) {
            await expect(store.put(key, 'x')).rejects.toThrow(RangeError);
            await expect(store.get(key)).rejects.toThrow(RangeError);
            await expect(store.getToFile(key, path.join(root, 'out'))).rejects.toThrow(RangeError);
            await expect(store.head(key)).rejects.toThrow(RangeError);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(await readdir(root)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('map every key they accept to a path inside DATA_DIR', () => {
    fc.assert(
      fc.property(hostile, (key) => {
        try {
          assertSafeKey(key);
        } catch {
          return;
        }
        expect(local.pathOf(key).startsWith(path.join(root, 'data') + path.sep)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
