/**
 * A month past `BILLING_SHARD_PRMS` billed in shards on the real dev server and document store: five
 * PRMs, two a shard, so three shards, each a `billMonthShard` activity; the month's Parquet is
 * byte-identical to the same month billed in one piece; a shard whose part fails to store is
 * retried alone; the work folder is gone once the month is recorded. Billed again with a day it may
 * not read (its files narrowed to each shard too): named in the record, the same bytes as in one piece.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBillingRecord } from '../../src/billing/billing-record.js';
import { loadRates } from '../../src/billing/rates.js';
import { withBillingScratch, writeStoredMonth } from '../../src/billing/stored-month.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { BillingMonthInput, BillingMonthOutput } from '../../src/workflow-safe/billing.js';
import { BILLING_SIGNALS } from '../../src/workflow-safe/billing.js';
import { billingKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { ingestEnedisXml } from '../support/enedis-ingest.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const MONTH = '2024-03';
const PRMS = ['99660599682031', '99660599682032', '99660599682033', '99660599682034', '99660599682035'];
/** The shard whose part fails to store once. */
const FAILING_SHARD = 1;
let harness: TestWorkerHarness;
let dir: string;
let partFailures = 0;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const ingest = (name: string, body: string) => ingestEnedisXml(harness.config, dir, name, body);

/** `store`, but the part of FAILING_SHARD fails to store the first time. */
function failingPartOnce(store: ObjectStore): ObjectStore {
  return {
    location: store.location,
    put: (key, body, options) => store.put(key, body, options),
    async putFile(key, source, options) {
      if (key.endsWith(`/parts/${FAILING_SHARD}.parquet`) && partFailures === 0) {
        partFailures += 1;
        throw new Error(`the store refused ${key} (injected, once)`);
      }
      return store.putFile(key, source, options);
    },
    get: (key) => store.get(key),
    read: (key) => store.read(key),
    getToFile: (key, target) => store.getToFile(key, target),
    head: (key) => store.head(key),
    list: (prefix, options) => store.list(prefix, options),
    delete: (key) => store.delete(key),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-billing-shards-'));
  harness = await startTestWorker(await testConfig({ BILLING_SHARD_PRMS: '2' }), {
    deps: (deps) => ({ ...deps, objects: failingPartOnce(deps.objects) }),
  });
  // Five contracts from 2024-03-01, the month's closing readings for four of them.
  await ingest(
    'c15',
    c15Flow(
      PRMS.map((prm, i) => ({
        prm,
        at: '2024-03-01T00:00:00+01:00',
        nature: 'MES',
        contract: `C${i + 1}`,
        kva: 6 + 3 * (i % 2),
        after: { HPH: 1000 * (i + 1), HCH: 500, HPB: 0, HCB: 0 },
      })),
    ),
  );
  await ingest(
    'r151',
    r151Flow(
      PRMS.slice(0, 4).map((prm, i) => ({
        prm,
        date: '2024-03-31',
        wh: { HPH: 1000 * (i + 1) + 100_000 * (i + 1), HCH: 500 + 50_000, HPB: 0, HCB: 0 },
      })),
    ),
  );
});

afterAll(async () => {
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Asks `billing/{MONTH}` to bill and waits for its run to end. */
async function bill(): Promise<BillingMonthOutput> {
  const handle = await harness.client.workflow.signalWithStart<
    (input: BillingMonthInput) => Promise<BillingMonthOutput>,
    [{ kind: 'manual' }]
  >('billingMonth', {
    workflowId: workflowIds.billing(MONTH),
    taskQueue: harness.config.temporal.taskQueue,
    args: [{ month: MONTH }],
    signal: BILLING_SIGNALS.bill,
    signalArgs: [{ kind: 'manual' }],
  });
  return harness.client.workflow
    .getHandle<(input: BillingMonthInput) => Promise<BillingMonthOutput>>(handle.workflowId, handle.signaledRunId)
    .result();
}

/** The SHA-256 of the month's stored Parquet, and of the month written in one piece from the same storage. */
async function storedAndInOnePiece(): Promise<{ stored: string; inOnePiece: string; contracts: number }> {
  const stored = sha256(await readFile(path.join(harness.config.storage.dataDir, billingKeys.month(MONTH))));
  return withBillingScratch(async ({ dir: scratch, db }) => {
    const written = await writeStoredMonth(harness.resources.deps, scratch, db, loadRates(), MONTH);
    return { stored, inOnePiece: sha256(await readFile(written.file)), contracts: written.contracts };
  });
}

describe('a month past BILLING_SHARD_PRMS', () => {
  it('is billed in shards, each an activity retried alone, byte-identical to the month in one piece', async () => {
    expect(await bill()).toMatchObject({ month: MONTH, runs: 1, changed: 1 });

    const history = await harness.client.workflow.getHandle(workflowIds.billing(MONTH)).fetchHistory();
    const scheduled = new Map<string, { type: string; input: string }>();
    const attempts: Array<{ type: string; input: string; attempt: number }> = [];
    for (const event of history.events ?? []) {
      const s = event.activityTaskScheduledEventAttributes;
      if (s)
        scheduled.set(String(event.eventId), {
          type: s.activityType?.name ?? '',
          input: new TextDecoder().decode(s.input?.payloads?.[0]?.data ?? new Uint8Array()),
        });
      const started = event.activityTaskStartedEventAttributes;
      if (started) {
        const of = scheduled.get(String(started.scheduledEventId));
        if (of) attempts.push({ ...of, attempt: started.attempt ?? 0 });
      }
    }
    expect(attempts.map((a) => a.type)).toEqual([
      'billStoredMonth',
      'billMonthShard',
      'billMonthShard',
      'billMonthShard',
      'recordMonthShards',
      'dropMonthShards',
    ]);
    // The failing shard alone took a second attempt (the history records an activity's last).
    expect(partFailures).toBe(1);
    expect(
      attempts
        .filter((a) => a.type === 'billMonthShard')
        .map((a) => [(JSON.parse(a.input) as { shard: number }).shard, a.attempt])
        .sort(),
    ).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
    ]);

    const month = await storedAndInOnePiece();
    const record = await getBillingRecord(harness.resources.deps.records, MONTH);
    expect(record).toMatchObject({ contracts: 5, sha256: month.stored });
    expect(month).toEqual({ stored: month.stored, inOnePiece: month.stored, contracts: 5 });
    expect(await harness.resources.deps.objects.list(billingKeys.monthShards(MONTH))).toEqual([]);

    if (process.env.RECORD_HISTORIES === '1')
      await writeFile('test/replay/histories/billing-month-sharded.json', historyToJSON(history));
  });

  it("names a day it may not read on the shards' rows as in one piece, the same bytes again", async () => {
    const day = await harness.resources.deps.records.getDayRun('enedis', '2024-03-31');
    expect(day?.status).toBe('succeeded');
    await harness.resources.deps.records.upsertDayRun({
      dataset: 'enedis',
      date: '2024-03-31',
      status: 'failed',
      error: { type: 'DataQuality', message: 'index_decreasing blocked the day' },
    });
    expect(await bill()).toMatchObject({ month: MONTH, runs: 1, changed: 1 });
    const record = await getBillingRecord(harness.resources.deps.records, MONTH);
    expect(record?.unusableDays.map((d) => d.date)).toEqual(['2024-03-31']);
    expect(record?.unusableDays[0]?.why).toContain('index_decreasing');
    const month = await storedAndInOnePiece();
    expect(record?.sha256).toBe(month.stored);
    expect(month).toEqual({ stored: month.stored, inOnePiece: month.stored, contracts: 5 });
  });
});
