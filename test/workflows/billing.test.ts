/**
 * Monthly billing on the real dev server and document store: C15 and R151 flows (written in the
 * real layout) ingested with `courant ingest`, the month billed by `scheduledBilling` through
 * `billing/{YYYY-MM}`, its Parquet and record written; a second run with nothing new leaves the
 * Parquet and the API's JSON byte-identical; a late R151 of the month's last day, ingested after,
 * bills the month again by itself, its figures move and its record names the day and the flow.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBillingRecord } from '../../src/billing/billing-record.js';
import type { BillingMonthInput, BillingMonthOutput, BillingTrigger } from '../../src/workflow-safe/billing.js';
import { BILLING_SIGNALS } from '../../src/workflow-safe/billing.js';
import { billingKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { rawGet, startConsole, type RunningConsole } from '../support/console-server.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { uniqueName } from '../support/names.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const PRM = '99660599682036';
const MONTH = '2024-03';
let harness: TestWorkerHarness;
let consoleServer: RunningConsole;
let dir: string;

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const parquetPath = () => path.join(harness.config.storage.dataDir, billingKeys.month(MONTH));

async function ingest(name: string, body: string): Promise<void> {
  const folder = path.join(dir, name);
  await mkdir(folder);
  await writeFile(path.join(folder, `${name}.xml`), body);
  const r = await runCommandLine(['ingest', '--dataset', 'enedis', '--dir', folder, '--wait'], cliEnv(harness.config));
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}

/** Asks `billing/{MONTH}` to bill for `trigger` and waits for the run to end. */
async function billAndWait(trigger: BillingTrigger): Promise<BillingMonthOutput> {
  const handle = await harness.client.workflow.signalWithStart<
    (input: BillingMonthInput) => Promise<BillingMonthOutput>,
    [BillingTrigger]
  >('billingMonth', {
    workflowId: workflowIds.billing(MONTH),
    taskQueue: harness.config.temporal.taskQueue,
    args: [{ month: MONTH }],
    signal: BILLING_SIGNALS.bill,
    signalArgs: [trigger],
  });
  return harness.client.workflow
    .getHandle<(input: BillingMonthInput) => Promise<BillingMonthOutput>>(handle.workflowId, handle.signaledRunId)
    .result();
}

async function apiMonth(): Promise<string> {
  const response = await rawGet(consoleServer.origin, `/api/v1/billing?month=${MONTH}`);
  expect(response.status).toBe(200);
  return response.body;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-billing-wf-'));
  harness = await startTestWorker(await testConfig());
  consoleServer = await startConsole({
    config: harness.config,
    records: harness.resources.deps.records,
    objects: harness.resources.deps.objects,
    tokens: null,
  });
  // An entry on 2024-03-01 with its readings; the R151 closing March comes late, below.
  await ingest(
    'c15',
    c15Flow([
      {
        prm: PRM,
        at: '2024-03-01T00:00:00+01:00',
        nature: 'MES',
        contract: 'C1',
        kva: 6,
        after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
      },
    ]),
  );
}, 240_000);

afterAll(async () => {
  await consoleServer?.close();
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the billing schedule', () => {
  it('is applied beside the daily one, on its day of the month, and a change of day is an update', async () => {
    const ids = {
      SCHEDULE_ID: uniqueName('daily'),
      INBOX_SCAN_SCHEDULE_ID: uniqueName('inbox'),
      REVISED_DAYS_SCHEDULE_ID: uniqueName('revised'),
      BILLING_SCHEDULE_ID: uniqueName('billing'),
    };
    const env = { ...cliEnv(harness.config), ...ids };
    try {
      const applied = await runCommandLine(['schedules', 'apply'], env);
      expect(applied.stdout, applied.stderr).toContain(`schedule ${ids.BILLING_SCHEDULE_ID} created`);
      const described = (await runCommandLine(['schedules', 'describe'], env)).stdout;
      expect(described).toMatch(
        new RegExp(
          `schedule ${ids.BILLING_SCHEDULE_ID}\\n  time +09:00\\n  timezone +Europe/Paris\\n  dayOfMonth +2\\n  workflow +scheduledBilling`,
        ),
      );
      const later = await runCommandLine(['schedules', 'apply'], { ...env, BILLING_SCHEDULE_DAY: '5' });
      expect(later.stdout).toContain(`schedule ${ids.BILLING_SCHEDULE_ID} updated:\n  dayOfMonth: 2 → 5`);
    } finally {
      for (const id of Object.values(ids))
        await harness.client.schedule
          .getHandle(id)
          .delete()
          .catch(() => undefined);
    }
  });
});

describe('billing/{YYYY-MM}', () => {
  it('bills the month its schedule names, writing its Parquet and a record of why', async () => {
    const scheduledId = `scheduled-billing-${MONTH}-${Date.now()}`;
    const scheduled: unknown = await harness.client.workflow.execute('scheduledBilling', {
      workflowId: scheduledId,
      taskQueue: harness.config.temporal.taskQueue,
      args: [{ month: MONTH }],
    });
    expect(scheduled).toBe(MONTH);
    const result: unknown = await harness.client.workflow.getHandle(workflowIds.billing(MONTH)).result();
    expect(result).toEqual({ month: MONTH, runs: 1, changed: 1 });
    const record = await getBillingRecord(harness.resources.deps.records, MONTH);
    expect(record).toMatchObject({
      month: MONTH,
      contracts: 1,
      withProblems: 1,
      days: 31,
      // (15.48 + 19.92 + 9 × 6) × 31 / 365 = 7.5929 → 7.59
      turpeFixedEur: 7.59,
      sha256: sha256(await readFile(parquetPath())),
      runs: [{ changed: true, triggers: [{ kind: 'schedule' }] }],
    });
    const month = JSON.parse(await apiMonth()) as { contracts: Array<{ quality: string }> };
    expect(month.contracts[0]?.quality).toBe('missing');
    if (process.env.RECORD_HISTORIES === '1') {
      const history = await harness.client.workflow.getHandle(workflowIds.billing(MONTH)).fetchHistory();
      await writeFile('test/replay/histories/billing-month.json', historyToJSON(history));
      const scheduledHistory = await harness.client.workflow.getHandle(scheduledId).fetchHistory();
      await writeFile('test/replay/histories/scheduled-billing.json', historyToJSON(scheduledHistory));
    }
  });

  it('leaves the Parquet and the JSON byte-identical when run again with nothing new', async () => {
    const parquet = sha256(await readFile(parquetPath()));
    const json = sha256(await apiMonth());
    const before = await getBillingRecord(harness.resources.deps.records, MONTH);
    expect(await billAndWait({ kind: 'manual' })).toEqual({ month: MONTH, runs: 1, changed: 0 });
    expect(sha256(await readFile(parquetPath()))).toBe(parquet);
    expect(sha256(await apiMonth())).toBe(json);
    const after = await getBillingRecord(harness.resources.deps.records, MONTH);
    expect(after?.movedAt).toBe(before?.movedAt);
    expect(after?.runs.map((r) => [r.changed, r.triggers.map((t) => t.kind)])).toEqual([
      [true, ['schedule']],
      [false, ['manual']],
    ]);
  });

  it('bills the month again by itself when its last day arrives late: the figures move, the record says why', async () => {
    const parquet = sha256(await readFile(parquetPath()));
    await ingest(
      'r151',
      r151Flow([{ prm: PRM, date: '2024-03-31', wh: { HPH: 1_100_000, HCH: 550_000, HPB: 0, HCB: 0 } }]),
    );
    await expect
      .poll(async () => (await getBillingRecord(harness.resources.deps.records, MONTH))?.runs.length, {
        timeout: 60_000,
        interval: 200,
      })
      .toBe(3);
    const record = await getBillingRecord(harness.resources.deps.records, MONTH);
    const late = record?.runs[2];
    expect(late).toMatchObject({ changed: true, triggers: [{ kind: 'late-day', date: '2024-03-31' }] });
    expect(late?.triggers[0]?.flows).toEqual([expect.stringMatching(/^raw\/enedis\/dt=2024-03-31\//)]);
    expect(record?.movedAt).toBe(late?.at);
    expect(sha256(await readFile(parquetPath()))).not.toBe(parquet);
    const month = JSON.parse(await apiMonth()) as { contracts: Array<Record<string, unknown>> };
    expect(month.contracts[0]).toMatchObject({
      quality: 'real',
      energyKWh: { hph: 100, hch: 50, base: 150 },
      // 100 × 6.67 + 50 × 4.56 = 895 c€
      turpeVariableEur: 8.95,
      problems: [],
    });
    if (process.env.RECORD_HISTORIES === '1') {
      const history = await harness.client.workflow.getHandle(workflowIds.daily('2024-03-31')).fetchHistory();
      await writeFile('test/replay/histories/daily-pipeline-late-billing-day.json', historyToJSON(history));
    }
  });
});
