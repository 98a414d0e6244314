/**
 * Hostile drops on the real dev server, document store and a real worker: a valid R151 dropped
 * straight into the inbox under a name with a space and an accent, and another with a newline and
 * a terminal escape, are each renamed to a storage key by the scan and read in one attempt of their
 * claim, their original names kept in the claim's record; rejected values (1e308, NaN, Infinity in
 * a smart-meter file; an Enedis index of 10 MiB and a negative one) are counted and their file
 * named by `courant ingest --wait`, the name it prints escaped; an uncreatable `DATA_DIR` makes
 * `courant ingest --wait` and `courant import --wait` exit 2 at once, naming it.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRawMeta } from '../../src/activities/raw-meta.js';
import type { InboxScanOutput } from '../../src/workflow-safe/ingest.js';
import { eco2mixFixturePath } from '../support/eco2mix-fixtures.js';
import { r151Days, r151Flow } from '../support/enedis-flows.js';
import { VALUE_BOMB_BYTES } from '../support/hostile-inputs.js';
import { activityAttempts } from '../support/activity-attempts.js';
import { runCli, runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

let harness: TestWorkerHarness;
let dir: string;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-hostile-names-'));
  harness = await startTestWorker(await testConfig());
});

afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a file dropped straight into the inbox under a name no storage key can hold', () => {
  it('is renamed by the scan and read in one attempt, its original name kept', async () => {
    const names = ['Relevé R151 avril.xml', 'relevé\n\u001b[2Jmai.xml'];
    const inbox = dataPath('inbox/enedis');
    await mkdir(inbox, { recursive: true });
    await writeFile(
      path.join(inbox, names[0] ?? ''),
      r151Flow(r151Days('99000000000011', ['2024-04-03', '2024-04-04'], { HPH: 1_000_000 }, { HPH: 5_000 })),
    );
    await writeFile(
      path.join(inbox, names[1] ?? ''),
      r151Flow(r151Days('99000000000012', ['2024-05-06', '2024-05-07'], { HCH: 2_000_000 }, { HCH: 3_000 })),
    );
    const scan = (await harness.client.workflow.execute('inboxScan', {
      workflowId: 'scan-hostile-names',
      taskQueue: harness.config.temporal.taskQueue,
      args: [],
    })) as InboxScanOutput;
    expect(scan.started).toHaveLength(2);
    for (const workflowId of scan.started) {
      await harness.client.workflow.getHandle(workflowId).result();
      expect(await activityAttempts(harness.client, workflowId), workflowId).toMatchObject({ claimDrop: 1 });
      expect(workflowId).toMatch(/^ingest\/inbox\/enedis\/[0-9a-f]{16}-[A-Za-z0-9._-]+#[0-9a-f]{16}$/);
    }
    // Every day ran, so each file left the inbox.
    expect(await readdir(inbox)).toEqual([]);
    const runs = await harness.resources.deps.records.listDayRuns({
      from: '2024-04-03',
      to: '2024-05-07',
      datasets: ['enedis'],
    });
    expect(runs.map((r) => [r.date, r.status])).toEqual([
      ['2024-04-03', 'succeeded'],
      ['2024-04-04', 'succeeded'],
      ['2024-05-06', 'succeeded'],
      ['2024-05-07', 'succeeded'],
    ]);
    const claimed = await Promise.all(
      runs.map(async (run) => (await readRawMeta(harness.resources.deps.objects, run.inputs[0]?.key ?? ''))?.options),
    );
    expect(claimed.map((options) => options?.['fileName'])).toEqual([names[0], names[0], names[1], names[1]]);
  });
});

describe('rejected values', () => {
  it('are counted, and their file named, by courant ingest --wait: 1e308, NaN and Infinity in a smart-meter file', async () => {
    const rows = Array.from({ length: 48 }, (_, i) => {
      const at = `2024-01-01 ${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 === 0 ? '00' : '30'}:00`;
      const kwh = i === 10 ? '1e308' : i === 20 ? 'NaN' : i === 30 ? 'Infinity' : '0.5';
      return `${at},${kwh},0.4,0.4,0.4,0.6,Normal`;
    });
    const name = 'meter\u001b[31m.csv';
    const file = path.join(dir, name);
    await writeFile(
      file,
      `Timestamp,Electricity_Consumed,Temperature,Humidity,Wind_Speed,Avg_Past_Consumption,Anomaly_Label\n${rows.join('\n')}\n`,
    );
    const r = await runCommandLine(
      ['ingest', '--dataset', 'smartmeter', '--file', file, '--meter-id', 'm1', '--wait'],
      cliEnv(harness.config),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain(
      `${JSON.stringify(name)}: 2 day(s) (2024-01-01..2024-01-02), 2 run, all succeeded, rows rejected on 2 day(s)`,
    );
    // The file's three bad rows are rejected in each day it covers, each day's rejects file naming them.
    for (const day of ['2024-01-01', '2024-01-02']) {
      expect(r.stdout).toContain(`  ${day}: 48 rows read, `);
      expect(r.stdout).toMatch(
        new RegExp(
          `  ${day}: 48 rows read, \\d+ written, 3 rejected \\(quarantine/smartmeter/dt=${day}/\\S+\\.rejects\\.jsonl\\)`,
        ),
      );
    }
  });

  it('are counted, and their file named: an Enedis index of 10 MiB of digits and a negative one', async () => {
    const file = path.join(dir, 'r151-rejects.xml');
    await writeFile(
      file,
      r151Flow([
        ...r151Days('99000000000021', ['2024-06-03'], { HPH: 1_000_000, HCH: 2_000_000 }, {}),
        { prm: '99000000000022', date: '2024-06-03', wh: { HPH: '7'.repeat(VALUE_BOMB_BYTES), HCH: '-5000' } },
      ]),
    );
    const r = await runCommandLine(['ingest', '--dataset', 'enedis', '--file', file, '--wait'], cliEnv(harness.config));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'r151-rejects.xml: 1 day(s) (2024-06-03), 1 run, all succeeded, rows rejected on 1 day(s)',
    );
    expect(r.stdout).toMatch(
      / {2}2024-06-03: \d+ rows read, 2 written, 2 rejected \(quarantine\/enedis\/dt=2024-06-03\/\S+\.rejects\.jsonl\)/,
    );
  });
});

describe('courant schedules trigger --inbox-scan before schedules apply', () => {
  it('says the schedule does not exist yet and what to run (exit 2)', async () => {
    const env = { ...cliEnv(harness.config), INBOX_SCAN_SCHEDULE_ID: `inbox-${Date.now().toString(36)}` };
    const r = await runCommandLine(['schedules', 'trigger', '--inbox-scan'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `schedule ${env.INBOX_SCAN_SCHEDULE_ID} does not exist on the Temporal server yet: create the schedules with \`courant schedules apply\``,
    );
    expect(r.stderr).not.toContain('temporal-sys-scheduler');
  });
});

describe('a DATA_DIR that cannot be created', () => {
  it('makes courant ingest --wait and courant import --wait exit 2 at once, naming DATA_DIR', async () => {
    const flow = path.join(dir, 'r151.xml');
    await writeFile(flow, r151Flow(r151Days('99000000000013', ['2024-04-03'], { HPH: 1_000 }, {})));
    const env = { ...cliEnv(harness.config), DATA_DIR: '/proc/1' };
    const ingest = await runCli(['ingest', '--dataset', 'enedis', '--file', flow, '--wait'], env);
    expect(ingest.code, ingest.stderr).toBe(2);
    expect(ingest.stderr).toMatch(/cannot write \/proc\/1\/\S+ \(EPERM, operation not permitted; DATA_DIR\)/);
    expect(ingest.stderr).toContain('set DATA_DIR to a directory courant can write');

    const rte = eco2mixFixturePath('vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls');
    const imported = await runCli(['import', '--dataset', 'eco2mix', '--file', rte, '--wait'], env);
    expect(imported.code, imported.stderr).toBe(2);
    expect(imported.stderr).toContain('DATA_DIR');
  });
});
