import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectory } from '../../src/faults/make-directory.js';

describe('makeDirectory', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'courant-make-directory-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes a folder, every missing parent, and leaves one that exists as it is', async () => {
    const deep = path.join(root, 'processed', 'eco2mix', 'dt=2024-03-31');
    await makeDirectory(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await makeDirectory(deep);
    const sibling = path.join(root, 'processed', 'eco2mix', 'dt=2024-04-01');
    await makeDirectory(sibling);
    expect((await stat(sibling)).isDirectory()).toBe(true);
  });

  it('makes the same folder asked for by many callers at once', async () => {
    const deep = path.join(root, 'a', 'b', 'c');
    await Promise.all(Array.from({ length: 8 }, () => makeDirectory(deep)));
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it('refuses a file in the way, naming it', async () => {
    const file = path.join(root, 'taken');
    await writeFile(file, 'x');
    await expect(makeDirectory(file)).rejects.toMatchObject({ code: 'ENOTDIR', path: file });
    await expect(makeDirectory(path.join(file, 'below'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
