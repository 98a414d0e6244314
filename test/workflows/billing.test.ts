/**
 * Monthly billing on the real dev server and document store: C15 and R151 flows (written in the
 * real layout) ingested with `courant ingest`, the month billed by `scheduledBilling` through
 * `billing/{YYYY-MM}`, its Parquet and record written; a second run with nothing new leaves the
 * Parquet and the API's JSON byte-identical; a late R151 of the month's last day, ingested after,
 * bills the month again by itself, its figures move and its record names the day and the flow.
 * Then the corrections: each version kept and what moved between two (API and CLI); a C15 exit
 * back-dated into an earlier month bills every later month again; new rates ask the months they
 * price; two requests racing are billed together; a re-bill with nothing new adds no version.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities, requestRatesRebilling } from '../../src/activities/billing.js';
import { getBillingRecord } from '../../src/billing/billing-record.js';
import { monthLeaseName } from '../../src/billing/month-lease.js';
import { loadRates, RATES_FILES } from '../../src/billing/rates.js';
import type { BillingMonthInput, BillingMonthOutput, BillingTrigger } from '../../src/workflow-safe/billing.js';
import { BILLING_QUERIES, BILLING_SIGNALS, type BillingMonthState } from '../../src/workflow-safe/billing.js';
import { billingKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { rawGet, startConsole, type RunningConsole } from '../support/console-server.js';
import { ingestEnedisXml } from '../support/enedis-ingest.js';
import { c15Flow, r151Flow, r15Flow } from '../support/enedis-flows.js';
import { uniqueName } from '../support/names.js';
import { runCommandLine, startCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { TEST_DEADLINE_MS } from '../support/deadlines.js';

const PRM = '99660599682036';
const MONTH = '2024-03';
let harness: TestWorkerHarness;
let consoleServer: RunningConsole;
let dir: string;

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** What `billing/{month}` says it does (its `state` query). */
const billingState = (month: string) =>
  harness.client.workflow.getHandle(workflowIds.billing(month)).query<BillingMonthState>(BILLING_QUERIES.state);

/** Whether the month's billing activity heartbeats that it waits for the month's lease (it read the days). */
async function billingWaitsForLease(month: string): Promise<boolean> {
  const described = await harness.client.workflow.getHandle(workflowIds.billing(month)).describe();
  const details = described.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads ?? [];
  return details.some((p) => defaultPayloadConverter.fromPayload<{ waitingFor?: string }>(p).waitingFor !== undefined);
}
const parquetPath = () => path.join(harness.config.storage.dataDir, billingKeys.month(MONTH));

const ingest = (name: string, body: string) => ingestEnedisXml(harness.config, dir, name, body);

/** Asks `billing/{month}` to bill for `trigger` and waits for the run to end. */
async function billAndWait(trigger: BillingTrigger, month = MONTH): Promise<BillingMonthOutput> {
  const handle = await harness.client.workflow.signalWithStart<
    (input: BillingMonthInput) => Promise<BillingMonthOutput>,
    [BillingTrigger]
  >('billingMonth', {
    workflowId: workflowIds.billing(month),
    taskQueue: harness.config.temporal.taskQueue,
    args: [{ month }],
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
});

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
    expect(result).toMatchObject({ month: MONTH, runs: 1, changed: 1 });
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
    expect(await billAndWait({ kind: 'manual' })).toMatchObject({ month: MONTH, runs: 1, changed: 0 });
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
    // The record first, then the month's Parquet (docs/billing.md, "The month's invariant").
    const billedAgain = async () => {
      const billed = await getBillingRecord(harness.resources.deps.records, MONTH);
      return billed?.runs.length === 3 && sha256(await readFile(parquetPath())) === billed.sha256;
    };
    await expect.poll(billedAgain, { interval: 200 }).toBe(true);
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

const APRIL = '2024-04';
/** The months after March billed before its contract's exit arrives, three months late. */
const LATER = [APRIL, '2024-05', '2024-06'];
const record = (month = MONTH) => getBillingRecord(harness.resources.deps.records, month);
const versionsOf = async (month = MONTH) => (await record(month))?.versions.map((v) => v.version) ?? [];

describe('corrections: versions and what moved', () => {
  it('keeps the version a run replaced, and says per contract what moved, by how much and why', async () => {
    const billed = await record();
    expect(billed?.versions.map((v) => [v.version, v.triggers.map((t) => t.kind)])).toEqual([
      [1, ['schedule']],
      [2, ['late-day']],
    ]);
    const first = await readFile(path.join(harness.config.storage.dataDir, billingKeys.monthVersion(MONTH, 1)));
    expect(sha256(first)).toBe(billed?.versions[0]?.sha256);
    const response = await rawGet(consoleServer.origin, `/api/v1/billing/changes?month=${MONTH}`);
    expect(response.status, consoleServer.logs.join('')).toBe(200);
    const changes: unknown = JSON.parse(response.body);
    expect(changes).toMatchObject({
      month: MONTH,
      from: { version: 1 },
      to: { version: 2 },
      causes: [{ version: 2, triggers: [{ kind: 'late-day', date: '2024-03-31' }] }],
      contracts: [
        {
          prm: PRM,
          contract: 'C1',
          change: 'moved',
          before: { days: 31, quality: 'missing', turpeVariableEur: null, problems: ['missing_reading'] },
          after: { days: 31, quality: 'real', turpeVariableEur: 8.95, energyBaseKWh: 150, problems: [] },
          deltaEur: { turpeFixedEur: 0, turpeVariableEur: null, ctaEur: 0 },
        },
      ],
    });
    const cli = await runCommandLine(
      ['billing', '--month', MONTH, '--changes', '--format', 'json'],
      cliEnv(harness.config),
    );
    expect(cli.code, cli.stderr).toBe(0);
    const { nextCursor, moved, ...whole } = changes as { nextCursor: string | null; moved: number };
    expect(nextCursor).toBeNull();
    expect(moved).toBe(1);
    expect(JSON.parse(cli.stdout)).toEqual(whole);
    expect(cli.stderr).toContain('1 contract(s) moved from v1 to v2, because of:\n  v2 ');

    const unknown = await runCommandLine(
      ['billing', '--month', MONTH, '--changes', '--since', '7'],
      cliEnv(harness.config),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('2024-03 has no version 7: its versions are 1, 2');
    const missing = await rawGet(consoleServer.origin, `/api/v1/billing/changes?month=${MONTH}&since=7`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('its versions are 1, 2');
  });

  it('bills every later month again when a C15 exit back-dated three months arrives', async () => {
    for (const month of LATER)
      expect(await billAndWait({ kind: 'manual' }, month)).toMatchObject({ month, runs: 1, changed: 1 });
    await ingest(
      'c15-exit',
      c15Flow([
        {
          prm: PRM,
          at: '2024-03-20T00:00:00+01:00',
          nature: 'RES',
          contract: 'C1',
          kva: 6,
          state: 'RESILIE',
          before: { HPH: 1050, HCH: 525, HPB: 0, HCB: 0 },
        },
      ]),
    );
    for (const month of LATER) await expect.poll(() => versionsOf(month), { interval: 200 }).toEqual([1, 2]);
    await expect.poll(() => versionsOf(MONTH), { interval: 200 }).toEqual([1, 2, 3]);
    // Each later month credits all it billed: (15.48 + 19.92 + 9 × 6) × days / 365, to the cent.
    const credited: Record<string, number> = { [APRIL]: -7.35, '2024-05': -7.59, '2024-06': -7.35 };
    for (const month of LATER) {
      const changes = await rawGet(consoleServer.origin, `/api/v1/billing/changes?month=${month}`);
      expect(JSON.parse(changes.body), month).toMatchObject({
        // The exit at 2024-03-20 00:00 closes the day 2024-03-19, which stores it.
        causes: [{ version: 2, triggers: [{ kind: 'late-day', date: '2024-03-19' }] }],
        contracts: [
          { contract: 'C1', change: 'disappeared', after: null, deltaEur: { turpeFixedEur: credited[month] } },
        ],
      });
    }
    const march = await rawGet(consoleServer.origin, `/api/v1/billing/changes?month=${MONTH}`);
    expect(JSON.parse(march.body)).toMatchObject({
      from: { version: 2 },
      // March: 19 days, (15.48 + 19.92 + 54) × 19 / 365 = 4.6537 → 4.65 € (7.59 before).
      contracts: [{ change: 'moved', before: { days: 31 }, after: { days: 19 }, deltaEur: { turpeFixedEur: -2.94 } }],
    });
    const page = await rawGet(consoleServer.origin, `/billing/${APRIL}`);
    expect(page.status).toBe(200);
    const moved = /<section data-changes>(.*?)<\/section>/s.exec(page.body)?.[1] ?? '';
    expect(moved).toContain('From version 1 to 2: 1 contract(s)');
    expect(moved).toContain('late day 2024-03-19');
    expect(moved).toContain(`/contracts/${PRM}/C1`);
    expect(moved).toContain('−7.35 €');
  });

  it('asks the months priced with other rates to bill again, and a re-bill with nothing new adds no version', async () => {
    const { deps } = harness.resources;
    const queue = harness.config.temporal.taskQueue;
    const rates = loadRates();
    expect(await requestRatesRebilling(deps, harness.client, queue, rates)).toEqual([]);
    const parquet = sha256(await readFile(parquetPath()));
    const runs = (await record())?.runs.length ?? 0;
    const other = {
      ...rates,
      turpe: rates.turpe.map((r) =>
        r.fta === 'BTINFCU4' && r.valid_from === '2023-08-01' ? { ...r, power_eur_kva_year: '9.01' } : r,
      ),
    };
    expect(await requestRatesRebilling(deps, harness.client, queue, other)).toEqual([MONTH, ...LATER]);
    await expect
      .poll(async () => (await record())?.runs.slice(runs).flatMap((r) => r.triggers.map((t) => t.kind)), {
        interval: 200,
      })
      .toEqual(['rates']);
    // Billed with the release's own rates, the same as before: the same bytes, no new version.
    expect(sha256(await readFile(parquetPath()))).toBe(parquet);
    expect(await versionsOf()).toEqual([1, 2, 3]);
    expect((await record())?.runs.at(-1)).toMatchObject({ changed: false });
  });

  it('bills two requests that race once more after the run in flight, each named, never lost', async () => {
    const runs = (await record())?.runs.length ?? 0;
    const results = await Promise.all([
      billAndWait({ kind: 'late-day', date: '2024-03-05' }),
      billAndWait({ kind: 'late-day', date: '2024-03-06' }),
    ]);
    for (const result of results) expect(result.runs).toBeGreaterThanOrEqual(1);
    const named = (await record())?.runs.slice(runs).flatMap((r) => r.triggers.map((t) => t.date));
    expect(named?.sort()).toEqual(['2024-03-05', '2024-03-06']);
    expect(await versionsOf()).toEqual([1, 2, 3]);
  });
  it('bills a month again when its estimated closing index is replaced by a real one, and says by how much', async () => {
    const prm = '99660599682037';
    const month = '2024-09';
    const r15 = (nature: string, index: { HPH: number; HCH: number }) =>
      r15Flow([
        {
          prm,
          at: '2024-10-01T00:00:00+02:00',
          previousAt: '2024-09-01T00:00:00+02:00',
          index,
          previousIndex: { HPH: 2000, HCH: 1000 },
          energy: { HPH: index.HPH - 2000, HCH: index.HCH - 1000 },
          nature,
        },
      ]);
    await ingest(
      'c15-september',
      c15Flow([
        {
          prm,
          at: '2024-09-01T00:00:00+02:00',
          nature: 'MES',
          contract: 'C2',
          kva: 6,
          after: { HPH: 2000, HCH: 1000 },
        },
      ]),
    );
    expect(await billAndWait({ kind: 'manual' }, month)).toMatchObject({ month, runs: 1, changed: 1 });
    // The R15 stores two days (its reading's, and its previous reading's, 2024-08-31), each run on its
    // own: a billing between the two reads the other as running (day_not_usable) and makes a
    // version of its own, so the test waits for the figures, not for a count of versions.
    const c2 = async () => {
      const body = (await rawGet(consoleServer.origin, `/api/v1/billing?month=${month}`)).body;
      const served = JSON.parse(body) as { version: number; contracts: Array<Record<string, unknown>> };
      const row = served.contracts.find((c) => c.contract === 'C2');
      return { version: served.version, quality: row?.quality, variable: row?.turpeVariableEur };
    };
    await ingest('r15-estimated', r15('ESTIME', { HPH: 2100, HCH: 1050 }));
    await expect.poll(async () => (await c2()).variable, { interval: 200 }).toBe(8.95);
    const estimated = (await c2()).version;
    await ingest('r15-real', r15('REEL', { HPH: 2200, HCH: 1080 }));
    await expect.poll(async () => (await c2()).variable, { interval: 200 }).toBe(16.99);
    const changes = await rawGet(consoleServer.origin, `/api/v1/billing/changes?month=${month}&since=${estimated}`);
    const moved = JSON.parse(changes.body) as {
      causes: Array<{ version: number; triggers: Array<{ date?: string }> }>;
    };
    expect(moved.causes.length).toBeGreaterThan(0);
    for (const cause of moved.causes)
      for (const trigger of cause.triggers) expect(['2024-08-31', '2024-09-30']).toContain(trigger.date);
    expect(moved).toMatchObject({
      from: { version: estimated },
      contracts: [
        {
          prm,
          contract: 'C2',
          change: 'moved',
          // 100 × 6.67 + 50 × 4.56 = 895 c€, then 200 × 6.67 + 80 × 4.56 = 1698.8 c€ → 16.99 €.
          before: { quality: 'estimated', energyBaseKWh: 150, turpeVariableEur: 8.95 },
          after: { quality: 'real', energyBaseKWh: 280, turpeVariableEur: 16.99 },
          deltaEur: { turpeFixedEur: 0, turpeVariableEur: 8.04 },
        },
      ],
    });
    // A version the record lists whose Parquet was deleted by hand: named, never a 500.
    await rm(path.join(harness.config.storage.dataDir, billingKeys.monthVersion(month, 1)));
    const gone = await rawGet(consoleServer.origin, `/api/v1/billing/changes?month=${month}&since=1`);
    expect(gone.status).toBe(404);
    expect(gone.body).toContain('2024-09 version 1 is listed but its Parquet is not stored');
  });

  it("bills `courant billing` beside a late day through the month's workflow: one writer, never an older write after a newer", async () => {
    const month = '2024-07';
    const { records } = harness.resources.deps;
    // The test holds the month's lease: the workflow's billing reads the days, then waits for it.
    expect(await records.claimLease(monthLeaseName(month), 'a test holding the month', TEST_DEADLINE_MS)).toEqual({
      claimed: true,
    });
    const workflow = billAndWait({ kind: 'late-day', date: '2024-07-10' }, month);
    await expect.poll(() => billingWaitsForLease(month), { interval: 200 }).toBe(true);
    const cli = startCommandLine(['billing', '--month', month, '--format', 'csv'], cliEnv(harness.config));
    await expect
      .poll(async () => (await billingState(month)).pending.map((t) => t.kind), { interval: 200 })
      .toEqual(['manual']);
    await records.releaseLease(monthLeaseName(month), 'a test holding the month');
    const done = await cli.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/version 1 \([0-9a-f]{12}\), billed 2 time\(s\) by billing\/2024-07, figures moved/);
    expect(await workflow).toMatchObject({ month, runs: 2, changed: 1, version: 1 });
    const billed = await record(month);
    expect(billed?.runs.map((r) => [r.triggers[0]?.kind, r.changed])).toEqual([
      ['late-day', true],
      ['manual', false],
    ]);
    expect(billed?.versions.map((v) => v.version)).toEqual([1]);
    const stored = await readFile(path.join(harness.config.storage.dataDir, billingKeys.month(month)));
    expect(sha256(stored)).toBe(billed?.versions[0]?.sha256);
  });

  it('bills a first billing again for a day that succeeded while it billed: never older than its days', async () => {
    const month = '2024-10';
    const { records } = harness.resources.deps;
    await ingest(
      'oct-entry',
      c15Flow([
        {
          prm: PRM,
          at: '2024-10-01T00:00:00+02:00',
          nature: 'MES',
          contract: 'C10',
          kva: 6,
          after: { HPH: 5000, HCH: 2000, HPB: 0, HCB: 0 },
        },
      ]),
    );
    expect(await records.claimLease(monthLeaseName(month), 'a test holding the month', TEST_DEADLINE_MS)).toEqual({
      claimed: true,
    });
    const workflow = billAndWait({ kind: 'schedule' }, month);
    await expect.poll(() => billingWaitsForLease(month), { interval: 200 }).toBe(true);
    // The month's closing reading lands after the first billing read the days, before it writes.
    await ingest(
      'oct-close',
      r151Flow([{ prm: PRM, date: '2024-10-31', wh: { HPH: 5_200_000, HCH: 2_100_000, HPB: 0, HCB: 0 } }]),
    );
    await records.releaseLease(monthLeaseName(month), 'a test holding the month');
    expect(await workflow).toMatchObject({ month, runs: 2, changed: 2, version: 2 });
    const billed = await record(month);
    expect(billed?.runs.map((r) => r.triggers.map((t) => [t.kind, t.date]))).toEqual([
      [['schedule', undefined]],
      [['late-day', '2024-10-31']],
    ]);
    expect(billed?.watermark?.days).toBeGreaterThan(0);
    const response = await rawGet(consoleServer.origin, `/api/v1/billing?month=${month}`);
    const contract = (JSON.parse(response.body) as { contracts: Array<Record<string, unknown>> }).contracts.find(
      (c) => c.contract === 'C10',
    );
    expect(contract).toMatchObject({ quality: 'real', energyKWh: { hph: 200, hch: 100 } });
  });

  it('mends a billing cut between its record and its Parquet: readers follow the record, the next run rewrites the Parquet', async () => {
    const month = '2024-10';
    const billed = await record(month);
    const current = path.join(harness.config.storage.dataDir, billingKeys.month(month));
    // As a worker killed after step 2 (the record names version 2) and before step 3 leaves it.
    const first = await readFile(path.join(harness.config.storage.dataDir, billingKeys.monthVersion(month, 1)));
    await writeFile(current, first);
    const response = await rawGet(consoleServer.origin, `/api/v1/billing?month=${month}`);
    const served = (JSON.parse(response.body) as { contracts: Array<Record<string, unknown>> }).contracts;
    expect(served.find((c) => c.contract === 'C10')).toMatchObject({ quality: 'real' });
    expect(await billAndWait({ kind: 'manual' }, month)).toMatchObject({ runs: 1, changed: 0, version: 2 });
    expect(sha256(await readFile(current))).toBe(billed?.sha256);
    expect(await versionsOf(month)).toEqual([1, 2]);
  });

  it('stops a re-bill at a rates file at fault, naming its file, line and column: the month keeps its version', async () => {
    const month = '2024-07';
    const before = await record(month);
    const stored = path.join(harness.config.storage.dataDir, billingKeys.month(month));
    const parquet = sha256(await readFile(stored));
    const turpe = path.join(dir, 'turpe.csv');
    const lines = (await readFile(RATES_FILES.turpe, 'utf8')).split('\n');
    // Line 2: BTINFCU4 2023-08-01..2024-11-01, its management part negative.
    lines[1] = (lines[1] ?? '').replace(',15.48,', ',-15.48,');
    await writeFile(turpe, lines.join('\n'));
    const activities = createBillingActivities(
      { ...harness.resources.deps, ratesFiles: { turpe, cta: RATES_FILES.cta } },
      harness.client,
    );
    const failure: unknown = await new MockActivityEnvironment()
      .run(activities.billStoredMonth, { month, triggers: [{ kind: 'rates' as const, ratesSha256: 'f'.repeat(64) }] })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true });
    expect((failure as Error).message).toMatch(/turpe\.csv.*line 2, column management_eur_year.*a decimal ≥ 0/);
    expect(await record(month)).toEqual(before);
    expect(sha256(await readFile(stored))).toBe(parquet);
  });
});
