/**
 * The parse cache: a file's entry is parsed once per bytes and variant, in this process and across
 * processes; a failed parse keeps nothing; past its bound the least recently used entries go, and
 * parses left unfinished for a day; a name that is not a sha256 is refused.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parsedCache } from '../../src/datasets/parsed-cache.js';

const manifest = z.object({ lines: z.number() });
let tmp: string;
const tmpBefore = process.env.TMPDIR;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'courant-parsed-cache-'));
  process.env.TMPDIR = tmp;
});

afterAll(async () => {
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  await rm(tmp, { recursive: true, force: true });
});

let sources = 0;
async function source(body: string) {
  sources += 1;
  const n = sources;
  const local = path.join(tmp, `in-${n}.txt`);
  await writeFile(local, body);
  return { local, sha256: `${'0'.repeat(60)}${String(n).padStart(4, '0')}` };
}

/** A parse that counts its calls and writes the file's lines into the entry. */
function countingParse() {
  const calls: string[] = [];
  const parse = (local: string) => async (out: string) => {
    calls.push(local);
    const text = await readFile(local, 'utf8');
    await writeFile(path.join(out, 'rows.txt'), text);
    return { lines: text.split('\n').length };
  };
  return { calls, parse };
}

describe('the parse cache', () => {
  it('parses a file once, whether asked again after or at the same time', async () => {
    const cache = parsedCache({ dataset: 'once', format: 'v1', manifest, maxBytes: 1e9 });
    const { calls, parse } = countingParse();
    const file = await source('a\nb\nc');
    const [first, second] = await Promise.all([
      cache.entry(file, parse(file.local)),
      cache.entry(file, parse(file.local)),
    ]);
    const third = await cache.entry(file, parse(file.local));
    expect(calls).toHaveLength(1);
    expect(first).toEqual(second);
    expect(third).toEqual(first);
    expect(third.manifest).toEqual({ lines: 3 });
    expect(await readFile(path.join(third.dir, 'rows.txt'), 'utf8')).toBe('a\nb\nc');
  });

  it('parses the same bytes again for another variant or another format', async () => {
    const { calls, parse } = countingParse();
    const file = await source('x');
    const v1 = parsedCache({ dataset: 'variants', format: 'v1', manifest, maxBytes: 1e9 });
    const v2 = parsedCache({ dataset: 'variants', format: 'v2', manifest, maxBytes: 1e9 });
    const dirs = new Set([
      (await v1.entry({ ...file, variant: 'meter a' }, parse(file.local))).dir,
      (await v1.entry({ ...file, variant: 'meter b' }, parse(file.local))).dir,
      (await v2.entry({ ...file, variant: 'meter a' }, parse(file.local))).dir,
      (await v1.entry({ ...file, variant: 'meter a' }, parse(file.local))).dir,
    ]);
    expect(calls).toHaveLength(3);
    expect(dirs.size).toBe(3);
  });

  it('keeps nothing of a failed parse: the next asks parse again', async () => {
    const cache = parsedCache({ dataset: 'failing', format: 'v1', manifest, maxBytes: 1e9 });
    const file = await source('bad');
    const failure = new Error('line 1: not a row');
    await expect(
      cache.entry(file, async (out) => {
        await writeFile(path.join(out, 'rows.txt'), 'half');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await readdir(path.join(tmp, 'courant-parsed', 'failing'))).toEqual([]);
    const { calls, parse } = countingParse();
    await cache.entry(file, parse(file.local));
    expect(calls).toHaveLength(1);
  });

  it("takes another process's entry kept while it parsed the same file", async () => {
    const cache = parsedCache({ dataset: 'racing', format: 'v1', manifest, maxBytes: 1e9 });
    const file = await source('r');
    const first = await cache.entry(file, countingParse().parse(file.local));
    await rm(first.dir, { recursive: true });
    const kept = await cache.entry(file, async (out) => {
      // Another process renames its entry into place first.
      await mkdir(first.dir);
      await writeFile(path.join(first.dir, 'rows.txt'), 'theirs');
      await writeFile(path.join(first.dir, 'manifest.json'), JSON.stringify({ lines: 7 }));
      await writeFile(path.join(out, 'rows.txt'), 'ours');
      return { lines: 1 };
    });
    expect(kept).toEqual({ dir: first.dir, manifest: { lines: 7 } });
    expect(await readFile(path.join(first.dir, 'rows.txt'), 'utf8')).toBe('theirs');
    expect((await readdir(path.dirname(first.dir))).filter((name) => name.includes('.'))).toEqual([]);
  });

  it('removes the least recently used entries past its bound, never the one just kept', async () => {
    const cache = parsedCache({ dataset: 'bounded', format: 'v1', manifest, maxBytes: 2_500 });
    const { parse } = countingParse();
    const files = await Promise.all([1, 2, 3].map(() => source('z'.repeat(1_000))));
    const [a, b, c] = files as [(typeof files)[0], (typeof files)[0], (typeof files)[0]];
    const entryA = await cache.entry(a, parse(a.local));
    const entryB = await cache.entry(b, parse(b.local));
    const old = new Date(Date.now() - 60_000);
    await utimes(path.join(entryB.dir, 'manifest.json'), old, old);
    // A was used since B: B is the least recently used when C comes.
    await cache.entry(a, parse(a.local));
    const entryC = await cache.entry(c, parse(c.local));
    const left = await readdir(path.join(tmp, 'courant-parsed', 'bounded'));
    expect(left.sort()).toEqual([path.basename(entryA.dir), path.basename(entryC.dir)].sort());
  });

  it('removes a parse left unfinished for a day, not one under way in another process', async () => {
    const cache = parsedCache({ dataset: 'stopped', format: 'v1', manifest, maxBytes: 1e9 });
    const dir = path.join(tmp, 'courant-parsed', 'stopped');
    const stopped = path.join(dir, `${'1'.repeat(64)}-abc.X1y2Z3`);
    const underWay = path.join(dir, `${'2'.repeat(64)}-abc.Q4r5S6`);
    for (const folder of [stopped, underWay]) {
      await mkdir(path.join(folder, 'entry'), { recursive: true });
      await writeFile(path.join(folder, 'entry', 'rows.txt'), 'half');
    }
    const dayAndMore = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await utimes(stopped, dayAndMore, dayAndMore);
    const file = await source('s');
    const kept = await cache.entry(file, countingParse().parse(file.local));
    expect((await readdir(dir)).sort()).toEqual([path.basename(kept.dir), path.basename(underWay)].sort());
  });

  it('refuses a sha256 that is not 64 hex digits (it names a folder)', async () => {
    const cache = parsedCache({ dataset: 'named', format: 'v1', manifest, maxBytes: 1e9 });
    const file = await source('n');
    await expect(cache.entry({ ...file, sha256: '../escape' }, countingParse().parse(file.local))).rejects.toThrow(
      RangeError,
    );
  });
});
