/**
 * A month's correction through a record store that refuses the month's record for longer than the
 * billing activity's retries, on the real dev server and document store: the worker's store is
 * wrapped so that writes of `billing/month=2024-03` fail while the test says so (nothing else of
 * the store fails). The month's workflow keeps the late day's request, says it fails (its `state`
 * query, the pending record, the API's `pending`), and once the store takes the record again, bills
 * it: the version with the late day's energy written, the pending record cleared.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPeriod, getBillingRecord } from '../../src/billing/billing-record.js';
import { getBillingPending } from '../../src/billing/month-pending.js';
import type { RecordStore } from '../../src/storage/records.js';
import { BILLING_QUERIES, type BillingMonthState } from '../../src/workflow-safe/billing.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { rawGet, startConsole, type RunningConsole } from '../support/console-server.js';
import { ingestEnedisXml } from '../support/enedis-ingest.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const PRM = '99660599682036';
const MONTH = '2024-03';
let harness: TestWorkerHarness;
let consoleServer: RunningConsole;
let dir: string;
let refusing = false;

/** The store, its writes of the month's record refused while `refusing`. */
function refusingMonthRecord(records: RecordStore): RecordStore {
  return new Proxy(records, {
    get(target, property, receiver) {
      if (property === 'upsertReport')
        return async (record: Parameters<RecordStore['upsertReport']>[0]) => {
          if (refusing && record.period === billingPeriod(MONTH))
            throw new Error('the document store does not answer (injected by the test)');
          await target.upsertReport(record);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const ingest = (name: string, body: string) => ingestEnedisXml(harness.config, dir, name, body);

const state = () =>
  harness.client.workflow.getHandle(workflowIds.billing(MONTH)).query<BillingMonthState>(BILLING_QUERIES.state);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-billing-outage-'));
  harness = await startTestWorker(await testConfig(), {
    deps: (deps) => ({ ...deps, records: refusingMonthRecord(deps.records) }),
  });
  consoleServer = await startConsole({
    config: harness.config,
    records: harness.resources.deps.records,
    objects: harness.resources.deps.objects,
    tokens: null,
  });
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
  const first = await runCommandLine(['billing', '--month', MONTH, '--format', 'csv'], cliEnv(harness.config));
  expect(first.code, first.stderr).toBe(0);
});

afterAll(async () => {
  await consoleServer?.close();
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a month's correction while the store refuses its record", () => {
  it('keeps the request, says the month fails, and bills it once the store answers again', async () => {
    refusing = true;
    await ingest(
      'r151',
      r151Flow([{ prm: PRM, date: '2024-03-31', wh: { HPH: 1_100_000, HCH: 550_000, HPB: 0, HCB: 0 } }]),
    );
    // The activity's retries spent, the workflow pauses with the request kept, and says why.
    await expect.poll(async () => (await state()).failing?.attempts ?? 0, { interval: 500 }).toBeGreaterThan(0);
    const failing = await state();
    expect(failing.failing?.why).toContain('the document store does not answer');
    expect(failing.failing?.nextAt).toBeDefined();
    expect(failing.pending).toContainEqual(expect.objectContaining({ kind: 'late-day', date: '2024-03-31' }));
    const pending = await getBillingPending(harness.resources.deps.records, MONTH);
    expect(pending?.triggers).toContainEqual(expect.objectContaining({ kind: 'late-day', date: '2024-03-31' }));
    const api = JSON.parse((await rawGet(consoleServer.origin, `/api/v1/billing?month=${MONTH}`)).body) as {
      version: number;
      pending: { failing: { why: string } } | null;
    };
    expect(api.version).toBe(1);
    expect(api.pending?.failing.why).toContain('the document store does not answer');
    const page = await rawGet(consoleServer.origin, `/billing/${MONTH}`);
    expect(page.body).toMatch(/A correction is pending:<\/strong> billing fails since .*late-day 2024-03-31/);
    const status = await runCommandLine(
      ['status', '--from', '2024-03-01', '--to', '2024-03-31'],
      cliEnv(harness.config),
    );
    expect(status.stdout + status.stderr).toMatch(
      /billing 2024-03: failing since .* the document store does not answer/,
    );

    refusing = false;
    const result: unknown = await harness.client.workflow.getHandle(workflowIds.billing(MONTH)).result();
    expect(result).toMatchObject({ month: MONTH, changed: 1, version: 2 });
    const record = await getBillingRecord(harness.resources.deps.records, MONTH);
    expect(record?.versions.at(-1)?.triggers).toContainEqual(
      expect.objectContaining({ kind: 'late-day', date: '2024-03-31' }),
    );
    expect(await getBillingPending(harness.resources.deps.records, MONTH)).toBeNull();
    const after = JSON.parse((await rawGet(consoleServer.origin, `/api/v1/billing?month=${MONTH}`)).body) as {
      pending: unknown;
      contracts: Array<Record<string, unknown>>;
    };
    expect(after.pending).toBeNull();
    expect(after.contracts[0]).toMatchObject({ quality: 'real', turpeVariableEur: 8.95 });
    if (process.env.RECORD_HISTORIES === '1') {
      const history = await harness.client.workflow.getHandle(workflowIds.billing(MONTH)).fetchHistory();
      await writeFile('test/replay/histories/billing-month-retried.json', historyToJSON(history));
    }
  });
});
