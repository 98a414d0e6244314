/**
 * The parse cache measures itself whole only now and then: keeping an entry in a cache of many
 * entries reads that entry, not every other one (a backlog of thousands of files once measured the
 * whole cache for each file it kept).
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const stats = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  return {
    ...fs,
    stat: (...args: Parameters<typeof fs.stat>) => {
      stats.calls += 1;
      return fs.stat(...args);
    },
  };
});
const { parsedCache } = await import('../../src/datasets/parsed-cache.js');

const manifest = z.object({ n: z.number() });
let tmp: string;
const tmpBefore = process.env.TMPDIR;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'courant-parsed-tally-'));
  process.env.TMPDIR = tmp;
});

afterAll(async () => {
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  await rm(tmp, { recursive: true, force: true });
});

const sha = (n: number) => n.toString(16).padStart(64, '0');

async function keep(cache: ReturnType<typeof parsedCache<{ n: number }>>, n: number): Promise<number> {
  const before = stats.calls;
  await cache.entry({ local: '', sha256: sha(n) }, async (out) => {
    await writeFile(path.join(out, 'rows.txt'), String(n));
    return { n };
  });
  return stats.calls - before;
}

describe('the parse cache’s size', () => {
  it('is read whole at the first keep, then tallied entry by entry', async () => {
    const cache = parsedCache({ dataset: 'tally', format: 'v1', manifest, maxBytes: 1e9 });
    const dir = path.join(tmp, 'courant-parsed', 'tally');
    // Two hundred entries kept by earlier runs.
    for (let n = 1_000; n < 1_200; n += 1) {
      await mkdir(path.join(dir, `${sha(n)}-abc`), { recursive: true });
      await writeFile(path.join(dir, `${sha(n)}-abc`, 'manifest.json'), JSON.stringify({ n }));
    }
    const first = await keep(cache, 1);
    expect(first).toBeGreaterThanOrEqual(200);
    for (const n of [2, 3, 4]) expect(await keep(cache, n)).toBeLessThan(10);
  });
});
