/**
 * `courant verify --deep` in local mode, on the real dev server and document store: a day's Parquet
 * replaced by other bytes of the same size passes the listing (same size, no ETag in local mode),
 * and `--deep` finds it by its SHA-256, marks the day outputs missing (shown by `courant status`),
 * `backfill --mode missing` re-runs exactly that day, and `--deep` is clean after.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { runCommandLine } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const FROM = '2023-10-02';
const TO = '2023-10-04';
const SWAPPED = '2023-10-03';
const range = ['--from', FROM, '--to', TO, '--datasets', 'eco2mix'];

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;

beforeAll(async () => {
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport(FROM, TO),
    'eco2mix-national-cons-def': emptyExport(),
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = cliEnv(harness.config);
  const backfill = await runCommandLine(['backfill', ...range, '--id', 'verify-deep', '--wait'], env);
  expect(backfill.code, backfill.stderr).toBe(0);
});

afterAll(async () => {
  await harness?.close();
  await odre?.close();
});

describe('courant verify --deep', () => {
  it('finds a Parquet replaced by other bytes of the same size, marks its day and has it re-run', async () => {
    const key = storageKeys.processed('eco2mix', SWAPPED, 'eco2mix_national');
    const file = path.join(harness.config.storage.dataDir, key);
    const size = (await readFile(file)).length;
    await writeFile(file, Buffer.alloc(size, 0x41));

    const shallow = await runCommandLine(['verify', ...range], env);
    expect(shallow.code, shallow.stdout).toBe(0);

    const deep = await runCommandLine(['verify', ...range, '--deep'], env);
    expect(deep.code, deep.stdout).toBe(1);
    expect(deep.stdout).toMatch(/, \d+ read and hashed against the SHA-256 each was written with/);
    expect(deep.stdout.split('\n').filter((line) => /^ {2}\d{4}-/.test(line))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ {2}${SWAPPED} {2}eco2mix {2}changed ${key} \\(other bytes of the same size: SHA-256 [0-9a-f]{64}, written as [0-9a-f]{64}\\)$`,
        ),
      ),
    ]);
    const status = await runCommandLine(['status', ...range], env);
    expect(
      status.stdout
        .split('\n')
        .filter((l) => l.includes('outputs missing'))
        .map((l) => l.slice(0, 10)),
    ).toEqual([SWAPPED, '3 days × 1']);

    const mend = await runCommandLine(
      ['backfill', ...range, '--mode', 'missing', '--id', 'verify-deep-mend', '--wait'],
      env,
    );
    expect(mend.code, mend.stderr).toBe(0);
    expect(mend.stdout).toMatch(/planned\s+1/);
    const again = await runCommandLine(['verify', ...range, '--deep'], env);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('every output is there as written');
  });
});
