/**
 * The `courant` executable, built as users run it (the tier's set-up builds it), loads only what a
 * command line needs: `courant --help` no command and no package but commander, a command's help
 * not the clients of the backends it does not use. The npm packages each process loads are noted
 * by a module resolution hook (support/loaded-packages).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { inheritedEnv } from '../support/child-env.js';

const run = promisify(execFile);
const HOOKS = path.join(PROJECT_ROOT, 'test', 'support', 'loaded-packages', 'register.mjs');
/** Never needed to print help, nor by a command in local mode (the default configuration). */
const HEAVY = [
  'tsx',
  '@temporalio/worker',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-dynamodb',
  'mongodb',
  '@duckdb/node-api',
  'fastify',
  '@opentelemetry/sdk-trace-base',
];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-cli-start-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function packagesLoaded(args: readonly string[]): Promise<string[]> {
  const file = path.join(dir, `${args.join('-')}.txt`);
  await run(process.execPath, ['--import', HOOKS, path.join(PROJECT_ROOT, 'bin', 'courant.js'), ...args], {
    env: { ...inheritedEnv(), LOADED_PACKAGES_FILE: file },
  });
  return [...new Set((await readFile(file, 'utf8')).split('\n').filter(Boolean))].sort();
}

describe('the built courant command', () => {
  it('prints its help with commander alone', async () => {
    expect(await packagesLoaded(['--help'])).toEqual(['commander']);
  });

  it("prints a command's help without the worker, the backends' clients, DuckDB or the console", async () => {
    const loaded = await packagesLoaded(['backfill', '--help']);
    expect(loaded).toContain('@temporalio/client');
    for (const name of HEAVY) expect(loaded, name).not.toContain(name);
  });

  it("loads Temporal's client for billing only when it asks the month's workflow", async () => {
    // `billing --changes` and a `--prm` preview never ask it: half a second of start-up saved.
    const loaded = await packagesLoaded(['billing', '--help']);
    expect(loaded).toContain('commander');
    for (const name of ['@temporalio/client', ...HEAVY]) expect(loaded, name).not.toContain(name);
  });
});
