/**
 * `courant perimeter` and `courant billing` over a local store holding Enedis days as the enedis
 * transform writes them (flows the test writes in the real layout): the JSON shapes, the text
 * table, and the month's Parquet written for analysts under its storage key. The document store is
 * the suite's real one (the commands open the storage as every command does).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENT_TABLE, INDEX_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { billingKeys, storageKeys } from '../../src/workflow-safe/keys.js';
import { storeFlows } from '../support/billing-store.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { runCommandLine } from '../support/run-cli.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-cli-');
const PRM = '99660599682036';
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-billing-cli-data-'));
  env = { TEMPORAL_ADDRESS: '127.0.0.1:1', MONGODB_URL: inject('mongodbUrl'), DATA_DIR: dataDir };
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
  // Each table of a day is in a folder of its own named by the day's date: put it at its key.
  for (const file of [...stored.eventFiles, ...stored.readingFiles]) {
    const table = path.basename(file, '.parquet');
    const date = (
      await scratch.connection.runAndReadAll(
        table === EVENT_TABLE
          ? `SELECT strftime(max(event_date) , '%Y-%m-%d') FROM read_parquet(${sqlString(file)})`
          : `SELECT strftime(max(timezone('Europe/Paris', reading_at) - INTERVAL 1 MICROSECOND)::DATE, '%Y-%m-%d') FROM read_parquet(${sqlString(file)})`,
      )
    ).getRows()[0]?.[0];
    if (typeof date !== 'string') continue;
    const day = table === EVENT_TABLE ? new Date(Date.parse(date) - 86_400_000).toISOString().slice(0, 10) : date;
    const target = path.join(
      dataDir,
      storageKeys.processed('enedis', day, table === EVENT_TABLE ? EVENT_TABLE : INDEX_TABLE),
    );
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(file, target);
  }
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('courant perimeter and billing', () => {
  it('lists the contracts in force on a day, in JSON', async () => {
    const result = await runCommandLine(['perimeter', '--date', '2024-03-15', '--format', 'json'], env);
    expect(result.stderr).toContain('perimeter on 2024-03-15: 1 contract');
    expect(JSON.parse(result.stdout)).toEqual({
      date: '2024-03-15',
      prms: [{ prm: PRM, contract: 'C1', since: '2024-03-10' }],
    });
    expect(result.code).toBe(0);
  });

  it("gives the month's billing elements in JSON and writes them as Parquet under their key", async () => {
    const result = await runCommandLine(['billing', '--month', '2024-03', '--format', 'json'], env);
    expect(result.code).toBe(0);
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

  it('prints a table by default', async () => {
    const result = await runCommandLine(['billing', '--month', '2024-03', '--prm', PRM], env);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^prm\s+contract\s+fta\s+days/);
    expect(result.stdout).toMatch(
      /99660599682036\s+C1\s+BTINFCU4\s+22\s+7\.636\s+150\s+100\s+50\s+real\s+6\.28\s+8\.95\s+1\.38/,
    );
  });
});
