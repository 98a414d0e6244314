/**
 * A service courant cannot reach at start is one line naming the service, its address and the
 * variable that sets it — exit 2, no stack trace — for every command that needs it. The services
 * that are reachable are the real shared ones; the unreachable one is a closed loopback port. A
 * worker runs as the executable (it logs, then exits); the other commands run through the
 * executable's own entry in this process.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { buildRteFile, zipRteFile } from '../support/rte-files.js';
import { runCli, runCommandLine, type CliResult } from '../support/run-cli.js';
import { awsTestEnv, cliEnv, testConfig, useTestAwsCredentials } from '../support/test-stack.js';

const CLOSED = '127.0.0.1:1';
const run = promisify(execFile);

let scratch: string;
let env: Record<string, string>;
let importFile: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-unreachable-'));
  env = cliEnv(await testConfig());
  const zip = zipRteFile(buildRteFile({ from: '2016-06-01', to: '2016-06-02' }));
  importFile = path.join(scratch, zip.name);
  await writeFile(importFile, zip.bytes);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await rm(env.DATA_DIR ?? '', { recursive: true, force: true });
});

/**
 * The one line a user sees, and nothing that looks like a stack trace. A worker also logs it as a
 * structured error (JSON, for its log collector) before it exits.
 */
function expectOneLine(r: CliResult, ...parts: string[]) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  const logged = lines.filter((line) => line.startsWith('{'));
  const human = lines.filter((line) => !line.startsWith('{'));
  expect(human).toHaveLength(1);
  for (const part of parts) expect(human[0]).toContain(part);
  for (const entry of logged.map((line) => JSON.parse(line) as { level: number; msg: string })) {
    expect(entry).toMatchObject({ level: 50, msg: human[0]?.replace(/^courant: /, '') });
  }
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('an unreachable Temporal server', () => {
  const temporal = ['cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS)', 'start it or set TEMPORAL_ADDRESS'];

  it.concurrent.each([
    ['run', ['run', '--date', '2024-01-01']],
    ['run --wait', ['run', '--date', '2024-01-01', '--wait']],
    ['backfill', ['backfill', '--from', '2024-01-01', '--to', '2024-01-03']],
  ])('%s: one line naming Temporal, its address and TEMPORAL_ADDRESS; exit 2', async (_, args) => {
    expectOneLine(await runCommandLine(args, { ...env, TEMPORAL_ADDRESS: CLOSED }), ...temporal);
  });

  it('worker (the executable): the same line, also logged, and exit 2', async () => {
    expectOneLine(await runCli(['worker'], { ...env, TEMPORAL_ADDRESS: CLOSED }), ...temporal);
  });

  it('worker --wait-for-services logs the same line, retries with backoff, and stops on SIGTERM', async () => {
    const worker = spawn(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin', 'courant.js'), 'worker', '--wait-for-services'],
      {
        env: { PATH: process.env.PATH ?? '', ...env, TEMPORAL_ADDRESS: CLOSED, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => worker.once('close', resolve));
    const retries: Array<Record<string, unknown>> = [];
    const lines = createInterface({ input: worker.stderr });
    for await (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.retryInMs === 'number') retries.push(entry);
      if (retries.length === 2) break;
    }
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(retries.map((r) => r.msg)).toEqual([
      expect.stringContaining('cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS)'),
      expect.stringContaining('cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS)'),
    ]);
    expect(retries.map((r) => r.retryInMs)).toEqual([1000, 2000]);
    expect(retries[0]).toMatchObject({ service: 'Temporal', address: CLOSED, variable: 'TEMPORAL_ADDRESS' });
  });
});

describe('an unreachable store', () => {
  it('the document store: one line naming MONGODB_URL; exit 2', async () => {
    const r = await runCommandLine(['status', '--from', '2024-01-01', '--to', '2024-01-03'], {
      ...env,
      MONGODB_URL: `mongodb://${CLOSED}/courant`,
    });
    expectOneLine(r, 'cannot reach the document store at mongodb://127.0.0.1:1/courant (MONGODB_URL)');
  });

  it('the document store for a worker: one line naming MONGODB_URL; exit 2', async () => {
    const r = await runCli(['worker'], { ...env, MONGODB_URL: `mongodb://${CLOSED}/courant` });
    expectOneLine(r, 'cannot reach the document store', 'MONGODB_URL');
  });

  it('S3 and DynamoDB in aws mode: one line naming the endpoint variable; exit 2', async () => {
    const aws = { ...env, ...awsTestEnv() };
    const { accessKeyId, secretAccessKey } = useTestAwsCredentials();
    Object.assign(aws, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
    expectOneLine(
      await runCli(['worker'], { ...aws, S3_ENDPOINT: `http://${CLOSED}` }),
      `cannot reach S3 at http://${CLOSED} (S3_ENDPOINT)`,
    );
    expectOneLine(
      await runCli(['worker'], { ...aws, DYNAMODB_ENDPOINT: `http://${CLOSED}` }),
      `cannot reach DynamoDB at http://${CLOSED} (DYNAMODB_ENDPOINT)`,
    );
  });
});

describe('a DATA_DIR that cannot be written', () => {
  it('import under a read-only parent: one line naming the path and DATA_DIR, nothing stored; exit 2', async (context) => {
    const parent = path.join(scratch, 'read-only');
    await mkdir(parent);
    try {
      await run('chattr', ['+i', parent]);
    } catch {
      context.skip();
    }
    try {
      const r = await runCommandLine(['import', '--file', importFile], {
        ...env,
        DATA_DIR: path.join(parent, 'data'),
      });
      expectOneLine(r, `cannot write ${path.join(parent, 'data')}`, 'DATA_DIR');
      expect(await readdir(parent)).toEqual([]);
    } finally {
      await run('chattr', ['-i', parent]);
    }
  });

  it.concurrent.each([
    ['worker', runCli, ['worker']],
    ['ingest', runCommandLine, ['ingest', '--dataset', 'smartmeter', '--file', 'IMPORT']],
  ])('%s with DATA_DIR naming a file: one line naming the path and DATA_DIR; exit 2', async (name, runs, args) => {
    const dataDir = path.join(scratch, `a-file-for-${name}`);
    await writeFile(dataDir, 'not a directory\n');
    const r = await runs(
      args.map((arg) => (arg === 'IMPORT' ? importFile : arg)),
      { ...env, DATA_DIR: dataDir },
    );
    expectOneLine(r, `cannot write ${dataDir}`, 'DATA_DIR');
  });
});
