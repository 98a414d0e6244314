/**
 * A late day's request to billing (`requestLateBilling`) on the real document store, local storage
 * and dev server: which months it asks, from the keys that say a month is billed (a version's
 * Parquet without a record counts) and the footer of the day's events table, and what the trigger
 * names. The months' workflows are started on a task queue no worker polls: the signals are read
 * back from their histories, then the runs terminated.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities } from '../../src/activities/billing.js';
import { EVENT_TABLE } from '../../src/datasets/enedis/day-transform.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { openWorkerResources, type WorkerResources } from '../../src/workers/resources.js';
import { BILLING_DATASET, type BillingTrigger } from '../../src/workflow-safe/billing.js';
import { billingKeys, storageKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { succeededRun } from '../support/console-days.js';
import { uniqueName } from '../support/names.js';
import { testConfig } from '../support/test-stack.js';

let resources: WorkerResources;
let connection: Connection;
let client: Client;
let dir: string;
const taskQueue = uniqueName('late-billing');
const asked = new Set<string>();

/** Stores the day's `contract_events` table with `rows` rows, as the Enedis day writes it (Parquet). */
async function storeEvents(date: string, rows: number): Promise<void> {
  const file = path.join(dir, `${date}-${rows}.parquet`);
  const db = await resources.deps.duckdb.connect();
  try {
    await db.run(`COPY (SELECT '9900' || i AS prm FROM range(${rows}) t(i)) TO ${sqlString(file)} (FORMAT parquet)`);
  } finally {
    db.closeSync();
  }
  await resources.deps.objects.putFile(storageKeys.processed(BILLING_DATASET, date, EVENT_TABLE), file);
}

/** Runs the activity for `date`, then the triggers each month it asked received, in order. */
async function requestLate(date: string): Promise<{ months: string[]; triggers: Record<string, BillingTrigger[]> }> {
  const activities = createBillingActivities(resources.deps, client);
  const months = await new MockActivityEnvironment({ taskQueue }).run<
    [{ date: string }],
    string[],
    typeof activities.requestLateBilling
  >(activities.requestLateBilling, { date });
  const triggers: Record<string, BillingTrigger[]> = {};
  for (const month of months) {
    asked.add(month);
    const history = await client.workflow.getHandle(workflowIds.billing(month)).fetchHistory();
    triggers[month] = (history.events ?? []).flatMap((e) =>
      (e.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []).map((p) =>
        defaultPayloadConverter.fromPayload<BillingTrigger>(p),
      ),
    );
  }
  return { months, triggers };
}

beforeAll(async () => {
  const config = await testConfig();
  resources = await openWorkerResources(config);
  connection = await Connection.connect({ address: config.temporal.address });
  client = new Client({ connection, namespace: config.temporal.namespace });
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-late-billing-'));
  const { objects } = resources.deps;
  // May: a first billing cut after its version's Parquet (no record, no month's Parquet); June and
  // September billed; the months between never.
  await objects.put(billingKeys.monthVersion('2031-05', 1), 'PAR1');
  for (const month of ['2031-06', '2031-09']) {
    await objects.put(billingKeys.monthVersion(month, 1), 'PAR1');
    await objects.put(billingKeys.month(month), 'PAR1');
  }
});

afterAll(async () => {
  for (const month of asked)
    await client.workflow
      .getHandle(workflowIds.billing(month))
      .terminate('test over')
      .catch(() => undefined);
  await connection?.close();
  await resources?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('requestLateBilling', () => {
  it("asks a month holding only a version's Parquet and, for its last day, the next month, naming the day's flows", async () => {
    const flow = { source: 'drop', key: 'raw/enedis/dt=2031-05-31/late-r151.xml', sha256: 'a'.repeat(64), bytes: 10 };
    const run = { ...succeededRun(BILLING_DATASET, '2031-05-31'), inputs: [flow] };
    await resources.deps.records.upsertDayRun(run);
    await storeEvents('2031-05-31', 0);
    const { months, triggers } = await requestLate('2031-05-31');
    expect(months).toEqual(['2031-05', '2031-06']);
    const trigger = { kind: 'late-day', date: '2031-05-31', flows: [flow.key] };
    expect(triggers['2031-05']).toEqual([trigger]);
    expect(triggers['2031-06']).toEqual([trigger]);
  });

  it('leaves the later billed months to a day without events, and asks them all for a day with one', async () => {
    await storeEvents('2031-06-10', 0);
    expect((await requestLate('2031-06-10')).months).toEqual(['2031-06']);
    await storeEvents('2031-06-10', 1);
    expect((await requestLate('2031-06-10')).months).toEqual(['2031-06', '2031-09']);
  });

  it('asks nothing for a day of a month never billed, with or without its events table', async () => {
    expect((await requestLate('2031-07-15')).months).toEqual([]);
    await storeEvents('2031-07-15', 0);
    expect((await requestLate('2031-07-15')).months).toEqual([]);
    await expect(client.workflow.getHandle(workflowIds.billing('2031-07')).describe()).rejects.toThrow();
  });
});
