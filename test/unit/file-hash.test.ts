/** The sha256 of a local file, whether it is read at once or streamed. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256OfFile } from '../../src/storage/file-hash.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-file-hash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sha256OfFile', () => {
  it.each([
    ['an empty file', 0],
    ['a small file, read at once', 40_000],
    ['a file of exactly 1 MiB', 1024 * 1024],
    ['a file past 1 MiB, streamed', 3 * 1024 * 1024 + 17],
  ])('%s has the hash of its bytes', async (_, size) => {
    const bytes = randomBytes(size);
    const file = path.join(dir, `f-${size}`);
    await writeFile(file, bytes);
    expect(await sha256OfFile(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('a missing file fails with ENOENT', async () => {
    await expect(sha256OfFile(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
