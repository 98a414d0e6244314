/**
 * `courant perimeter import` on the real servers, a worker running the billing workflows: a path
 * that is not a regular file refused at once; two imports at once, made to meet by holding the
 * snapshot's lease from the test, both kept; the months already billed that the new contracts
 * reach asked to bill again through their workflow, the others not; Temporal unreachable, the
 * months not asked named and the command failing, the snapshot stored. The tests run in order:
 * the first imports come before any month is billed.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentVersion, getBillingRecord } from '../../src/billing/billing-record.js';
import { SNAPSHOT_LEASE } from '../../src/billing/snapshot-lease.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { billingKeys } from '../../src/workflow-safe/keys.js';
import { runCommandLine, startCommandLine } from '../support/run-cli.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const scratch = useScratchDuckDb('courant-perimeter-import-');
let harness: TestWorkerHarness;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-perimeter-import-'));
  harness = await startTestWorker(await testConfig());
  env = cliEnv(harness.config);
}, 240_000);

afterAll(async () => {
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A portfolio CSV of `rows` contracts (PRMs from `firstPrm`, in force from `since`), written to `name`. */
async function portfolio(name: string, firstPrm: number, rows: number, since: string): Promise<string> {
  const lines = Array.from({ length: rows }, (_, i) => `${firstPrm + i},K${firstPrm + i},BTINFCU4,6,${since}`);
  const file = path.join(dir, name);
  await writeFile(file, `prm,contract,fta,kva,since\n${lines.join('\n')}\n`);
  return file;
}

/** The PRMs of the stored snapshot. */
async function snapshotPrms(): Promise<string[]> {
  const file = path.join(harness.config.storage.dataDir, billingKeys.snapshot());
  const rows = await scratch.connection.runAndReadAll(`SELECT prm FROM read_parquet(${sqlString(file)}) ORDER BY prm`);
  return rows.getRows().map((row) => String(row[0]));
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

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

  it("keeps both files' contracts when two imports run at once: the one that waits merges onto the other's result", async () => {
    const a = await portfolio('a.csv', 10_000_000_000_000, 300, '2020-01-01');
    const b = await portfolio('b.csv', 20_000_000_000_000, 200, '2021-01-01');
    const { records } = harness.resources.deps;
    const test = 'a test holding the snapshot';
    expect(await records.claimLease(SNAPSHOT_LEASE, test, 120_000)).toEqual({ claimed: true });
    const first = startCommandLine(['perimeter', 'import', '--file', a], env);
    const second = startCommandLine(['perimeter', 'import', '--file', b], env);
    const waiting = (name: string, stderr: string) =>
      stderr.includes(`${name}: waiting for the import writing the snapshot (${test}, lease until `);
    await expect
      .poll(() => [waiting('a.csv', first.stderr()), waiting('b.csv', second.stderr())], { interval: 100 })
      .toEqual([true, true]);
    // Long enough for each to try its claim again (after 200 ms, then 400, 800…).
    await sleep(1_500);
    await records.releaseLease(SNAPSHOT_LEASE, test);
    const [one, two] = await Promise.all([first.done, second.done]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(one.stderr).toContain('a.csv: 300 row(s), 300 contract(s) added');
    expect(two.stderr).toContain('b.csv: 200 row(s), 200 contract(s) added');
    // Each said once whom it waited for, however often it tried its claim again.
    for (const result of [one, two]) expect(result.stderr.split(test).length - 1).toBe(1);
    // The later of the two merged onto the earlier's snapshot.
    expect([one.stderr, two.stderr].filter((text) => text.includes('500 in the snapshot'))).toHaveLength(1);
    const prms = await snapshotPrms();
    expect(prms).toHaveLength(500);
    expect(prms.filter((prm) => prm.startsWith('1'))).toHaveLength(300);
    expect(one.stderr).toContain('no month billed from 2020-01 on: none asked to bill again');
  });

  it('asks each billed month from the earliest new contract on to bill again, naming the imported file', async () => {
    for (const month of ['2019-03', '2024-03', '2024-04']) {
      const billed = await runCommandLine(['billing', '--month', month, '--format', 'csv'], env);
      expect(billed.code, billed.stderr).toBe(0);
    }
    const file = await portfolio('c.csv', 30_000_000_000_000, 2, '2019-06-14');
    const imported = await runCommandLine(['perimeter', 'import', '--file', file], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(
      'asked to bill again (billed from 2019-06 on, workflows billing/{YYYY-MM}): 2024-03, 2024-04',
    );
    const trigger = { kind: 'snapshot', snapshot: billingKeys.snapshotImport(await sha256(file)) };
    const records = harness.resources.deps.records;
    for (const month of ['2024-03', '2024-04']) {
      await expect
        .poll(async () => (await getBillingRecord(records, month))?.runs.map((run) => run.triggers), { interval: 200 })
        .toEqual([[{ kind: 'manual' }], [trigger]]);
      // The version the record names: the month's own Parquet follows the record (docs/billing.md).
      const record = await getBillingRecord(records, month);
      if (record === null) throw new Error(`${month} has no record`);
      const version = billingKeys.monthVersion(month, currentVersion(record).version);
      const parquet = path.join(harness.config.storage.dataDir, version);
      const found = await scratch.connection.runAndReadAll(
        `SELECT count(*)::INTEGER FROM read_parquet(${sqlString(parquet)}) WHERE prm = '30000000000000' AND source = 'snapshot'`,
      );
      expect(found.getRows()[0]?.[0], month).toBe(1);
    }
    expect((await getBillingRecord(records, '2019-03'))?.runs).toHaveLength(1);
  });

  it('names the months it could not ask when Temporal cannot be reached, and fails: the snapshot is stored', async () => {
    const file = await portfolio('d.csv', 40_000_000_000_000, 1, '2024-04-10');
    const result = await runCommandLine(['perimeter', 'import', '--file', file], {
      ...env,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('d.csv: 1 row(s), 1 contract(s) added');
    expect(result.stderr).toContain(
      'the snapshot is stored, but the month(s) billed from 2024-04 on could not all be asked to bill again; not asked: 2024-04 — bill each with courant billing --month M',
    );
    expect(result.stderr).toContain('cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS)');
    expect(await snapshotPrms()).toContain('40000000000000');
  });
});
