/** `courant perimeter import` as the command line runs it: a path that is not a regular file refused at once. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, testConfig } from '../support/test-stack.js';

let dir: string;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-perimeter-import-'));
  const config = await testConfig();
  dataDir = config.storage.dataDir;
  env = cliEnv(config);
});

afterAll(async () => {
  for (const made of [dir, dataDir]) if (made) await rm(made, { recursive: true, force: true });
});

describe('courant perimeter import', () => {
  it('refuses at once, as bad usage, a path that is not a regular file, naming it and what it is', async () => {
    const fifo = path.join(dir, 'portfolio.fifo');
    execFileSync('mkfifo', [fifo]);
    const folder = path.join(dir, 'a-folder');
    await mkdir(folder);
    const cases: Array<readonly [string, string]> = [
      [fifo, 'is a FIFO (a named pipe: reading it waits for a writer), not a regular file'],
      [folder, 'is a folder, not a regular file'],
      ['/dev/null', 'is a character device, not a regular file'],
      [path.join(dir, 'no-such.csv'), 'does not exist'],
    ];
    for (const [file, what] of cases) {
      const refused = await runCommandLine(['perimeter', 'import', '--file', file], env);
      expect(refused.code, file).toBe(2);
      expect(refused.stderr).toContain(`--file: ${file} ${what}`);
    }
  }, 30_000);
});
