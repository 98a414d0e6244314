/**
 * `courant perimeter` and `courant billing` over a local store holding Enedis days as the enedis
 * transform writes them (flows the test writes in the real layout): the JSON shapes, the text
 * table, and the month's Parquet written for analysts under its storage key by the month's workflow
 * (a worker on the suite's dev server), a `--prm` preview writing nothing. The document store is
 * the suite's real one (the commands open the storage as every command does).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sqlString } from '../../src/duckdb/columns.js';
import { createStorage } from '../../src/storage/index.js';
import { billingKeys } from '../../src/workflow-safe/keys.js';
import { parisDateOf } from '../../src/workflow-safe/partition.js';
import { monthOf } from '../../src/workflow-safe/periods.js';
import { putStoredDays, storeFlows } from '../support/billing-store.js';
import { succeededRun } from '../support/console-days.js';
import { uniqueName } from '../support/names.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { runCommandLine } from '../support/run-cli.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-cli-');
const PRM = '99660599682036';
const OTHER = '99660599682037';
let dataDir: string;
let env: Record<string, string>;
let harness: TestWorkerHarness;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-billing-cli-data-'));
  const mongo = new URL(inject('mongodbUrl'));
  mongo.pathname = `/${uniqueName('billing')}`;
  harness = await startTestWorker(await testConfig({ MONGODB_URL: mongo.toString(), DATA_DIR: dataDir }));
  env = cliEnv(harness.config);
  const stored = await storeFlows(scratch, [
    c15Flow([
      {
        prm: PRM,
        at: '2024-03-10T00:00:00+01:00',
        nature: 'MES',
        contract: 'C1',
        kva: 6,
        after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
      },
      { prm: PRM, at: '2024-03-20T00:00:00+01:00', nature: 'MCT', contract: 'C1', kva: 9 },
    ]),
    r151Flow([{ prm: PRM, date: '2024-03-31', wh: { HPH: 1_100_000, HCH: 550_000, HPB: 0, HCB: 0 } }]),
  ]);
  const storage = await createStorage(await testConfig({ MONGODB_URL: env.MONGODB_URL ?? '', DATA_DIR: dataDir }));
  try {
    await putStoredDays(storage, stored);
  } finally {
    await storage.close();
  }
});

afterAll(async () => {
  await harness.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('courant perimeter and billing', () => {
  it('lists the contracts in force on a day, in JSON', async () => {
    const result = await runCommandLine(['perimeter', '--date', '2024-03-15', '--format', 'json'], env);
    expect(result.stderr).toContain('perimeter on 2024-03-15: 1 contract');
    expect(JSON.parse(result.stdout)).toEqual({
      date: '2024-03-15',
      prms: [{ prm: PRM, contract: 'C1', since: '2024-03-10', source: 'c15' }],
    });
    expect(result.code).toBe(0);
  });

  it("gives the month's billing elements in JSON, written as Parquet under their key by the month's workflow", async () => {
    const result = await runCommandLine(['billing', '--month', '2024-03', '--format', 'json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('billing 2024-03: asked billing/2024-03; waiting for it');
    expect(result.stderr).toMatch(/version 1 \([0-9a-f]{12}\), billed 1 time\(s\) by billing\/2024-03, figures moved/);
    const month = JSON.parse(result.stdout) as { month: string; contracts: unknown[] };
    expect(month).toMatchObject({
      month: '2024-03',
      contracts: [
        {
          prm: PRM,
          contract: 'C1',
          fta: 'BTINFCU4',
          days: 22,
          meanKva: 7.636,
          periods: [
            { from: '2024-03-10', to: '2024-03-20', days: 10, fta: 'BTINFCU4', kva: 6, turpeFixedEur: 2.45 },
            { from: '2024-03-20', to: '2024-04-01', days: 12, fta: 'BTINFCU4', kva: 9, turpeFixedEur: 3.83 },
          ],
          energyKWh: { base: 150, hp: 100, hc: 50, hph: 100, hch: 50, hpb: 0, hcb: 0 },
          turpeFixedEur: 6.28,
          turpeVariableEur: 8.95,
          ctaEur: 1.38,
          quality: 'real',
          problems: [],
        },
      ],
    });
    const parquet = path.join(dataDir, billingKeys.month('2024-03'));
    const rows = (
      await scratch.connection.runAndReadAll(
        `SELECT prm, contract, days, turpe_fixed_eur::VARCHAR AS fixed, len(periods) AS periods FROM read_parquet(${sqlString(parquet)})`,
      )
    ).getRowObjectsJson();
    expect(rows).toEqual([{ prm: PRM, contract: 'C1', days: 22, fixed: '6.28', periods: '2' }]);
  });

  it('takes a month from 2012-01 to 2099-12 only, and says when the month billed is not over', async () => {
    for (const month of ['0000-01', '2011-12', '9999-12']) {
      const refused = await runCommandLine(['billing', '--month', month], env);
      expect(refused.code, month).toBe(2);
      expect(refused.stderr).toContain(`--month: a month from 2012-01 to 2099-12, got ${month}`);
    }
    const current = monthOf(parisDateOf(new Date()));
    const open = await runCommandLine(['billing', '--month', current, '--prm', PRM], env);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stderr).toContain(`${current} is not over`);
    expect(open.stderr).toContain('a preview of 1 PRM(s): nothing written');
    await expect(readFile(path.join(dataDir, billingKeys.month(current)))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('prints a table by default', async () => {
    const result = await runCommandLine(['billing', '--month', '2024-03', '--prm', PRM], env);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^prm\s+contract\s+source\s+fta\s+days/);
    expect(result.stdout).toMatch(
      /99660599682036\s+C1\s+c15\s+BTINFCU4\s+22\s+7\.636\s+150\s+100\s+50\s+real\s+6\.28\s+8\.95\s+1\.38/,
    );
  });

  it('imports the go-live portfolio: its contracts in the périmètre from the snapshot, once however often imported', async () => {
    const csv = path.join(dataDir, '..', `${path.basename(dataDir)}-portfolio.csv`);
    await writeFile(csv, `prm,contract,fta,kva,since\n${OTHER},K9,BTINFMU4,9,2019-06-01\n`);
    const first = await runCommandLine(['perimeter', 'import', '--file', csv], env);
    expect(first.stderr).toContain('1 row(s), 1 contract(s) added, 0 already in the snapshot; 1 in the snapshot');
    // 2024-03, billed above, is asked to bill again by its workflow (test/cli/perimeter-import.test.ts follows it).
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      'asked to bill again (billed from 2019-06 on, workflows billing/{YYYY-MM}): 2024-03',
    );
    const again = await runCommandLine(['perimeter', 'import', '--file', csv], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('1 row(s), 0 contract(s) added, 1 already in the snapshot; 1 in the snapshot');
    const perimeter = await runCommandLine(['perimeter', '--date', '2024-03-15', '--format', 'json'], env);
    expect(JSON.parse(perimeter.stdout)).toEqual({
      date: '2024-03-15',
      prms: [
        { prm: PRM, contract: 'C1', since: '2024-03-10', source: 'c15' },
        { prm: OTHER, contract: 'K9', since: '2019-06-01', source: 'snapshot' },
      ],
    });
    const stored = await readFile(path.join(dataDir, billingKeys.snapshot()));
    await writeFile(
      csv,
      `prm,contract,fta,kva,since\n${OTHER},K9,BTINFMU4,12,2019-06-01\n${OTHER},K10,BTINFMU4,9,2019-02-29\n`,
    );
    const refused = await runCommandLine(['perimeter', 'import', '--file', csv], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'line 2, column kva: contract K9 of PRM 99660599682037 is already in the snapshot',
    );
    expect(refused.stderr).toContain('line 3, column since: not a day written YYYY-MM-DD that exists: "2019-02-29"');
    expect(await readFile(path.join(dataDir, billingKeys.snapshot()))).toEqual(stored);
  });

  it('bills only the days whose run succeeded, naming a refused day on the rows it would have given', async () => {
    const storage = await createStorage(await testConfig({ MONGODB_URL: env.MONGODB_URL ?? '', DATA_DIR: dataDir }));
    try {
      await storage.records.upsertDayRun({
        ...succeededRun('enedis', '2024-03-31'),
        status: 'failed',
        error: { type: 'DataQuality', message: 'index_decreasing blocked the day' },
      });
      const result = await runCommandLine(['billing', '--month', '2024-03', '--format', 'json'], env);
      expect(result.code, result.stderr).toBe(0);
      const c1 = (
        JSON.parse(result.stdout) as { contracts: Array<{ contract: string; problems: unknown[] }> }
      ).contracts.find((c) => c.contract === 'C1');
      expect(c1).toMatchObject({ turpeFixedEur: 6.28, turpeVariableEur: null, quality: 'missing' });
      expect(c1?.problems).toContainEqual({
        code: 'day_not_usable',
        message:
          'the day 2024-03-31 is not usable (failed: DataQuality, index_decreasing blocked the day): its energy and variable part not computed',
      });
      expect(result.stderr).toContain('2024-03-31 not read: failed: DataQuality, index_decreasing blocked the day');
      expect(result.stderr).toMatch(/TURPE variable – \(not computed for any of 2 contracts\)/);
    } finally {
      await storage.records.upsertDayRun(succeededRun('enedis', '2024-03-31'));
      await storage.close();
    }
  });
});
