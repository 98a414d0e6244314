/**
 * A worker killed with SIGKILL between two writes of a month's billing (docs/billing.md, "The
 * month's invariant"), on the real stack: a `courant worker` process paused at a named point
 * (`COURANT_PAUSE_AT`, src/faults/pause-points.ts), so that the kill lands at a known place, not at a
 * moment found by timing. Cut after the new version's Parquet, the month has a version file no
 * record names; cut after the record, a month's Parquet older than its record, which readers do not
 * follow. Either way the next worker takes the activity over once its heartbeat timeout has passed,
 * takes the killed attempt's lease, and leaves record, version and month's Parquet agreeing by SHA-256,
 * the lease given back.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentVersion, getBillingRecord } from '../../src/billing/billing-record.js';
import { recordedMonthFile } from '../../src/billing/month-file.js';
import { monthLeaseName } from '../../src/billing/month-lease.js';
import { requestBilling } from '../../src/client/request-billing.js';
import type { Config } from '../../src/config/index.js';
import { pausedLine, type PausePoint } from '../../src/faults/pause-points.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { billingKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { putStoredDays, storeFlows } from '../support/billing-store.js';
import { readUntil } from '../support/deadlines.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { cliEnv, testConfig } from '../support/test-stack.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const MONTH = '2024-08';
const PRM = '99660599682051';
const C15 = c15Flow([
  {
    prm: PRM,
    at: '2024-08-01T00:00:00+02:00',
    nature: 'MES',
    contract: 'C-KILL',
    kva: 6,
    after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
  },
]);
/** The month's closing reading, arriving after its first billing: its figures move. */
const R151 = r151Flow([{ prm: PRM, date: '2024-08-31', wh: { HPH: 1_100_000, HCH: 550_000, HPB: 0, HCB: 0 } }]);
/** The lease's holder as the billing activity names it (src/activities/billing.ts), for attempt `n`. */
const holderOfAttempt = (n: number) =>
  new RegExp(`^activity \\S+ of ${workflowIds.billing(MONTH)} run \\S+ attempt ${n}$`);

const scratch = useScratchDuckDb('courant-kill-billing-');
let config: Config;
let storage: Storage;
let connection: Connection;
let client: Client;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  config = await testConfig();
  storage = await createStorage(config);
  connection = await Connection.connect({ address: config.temporal.address });
  client = new Client({ connection, namespace: config.temporal.namespace });
  await putStoredDays(storage, await storeFlows(scratch, [C15]));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  // A run left behind by a failed test would take the next file's requests for this month.
  await client?.workflow
    .getHandle(workflowIds.billing(MONTH))
    .terminate('the test file ended')
    .catch(() => undefined);
  await connection?.close();
  await storage?.close();
  if (config) await rm(config.storage.dataDir, { recursive: true, force: true });
});

/** A `courant worker` on the test's queue, database and data, paused at `point` when given, and what it wrote to stderr. */
function startWorker(point?: PausePoint): { worker: WorkerProcess; stderr: () => string } {
  const worker = startWorkerProcess({
    ...cliEnv(config),
    STORAGE_MODE: 'local',
    ...(point === undefined ? {} : { COURANT_PAUSE_AT: point }),
  });
  workers.push(worker);
  let stderr = '';
  worker.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { worker, stderr: () => stderr };
}

/** Waits until the worker says on stderr that it paused at `point` (or it exited). */
async function pausedAt(started: { worker: WorkerProcess; stderr: () => string }, point: PausePoint): Promise<void> {
  const { child } = started.worker;
  const stderr = await readUntil(
    () => Promise.resolve(started.stderr()),
    (text) => text.includes(pausedLine(point)) || child.exitCode !== null || child.signalCode !== null,
  );
  expect(stderr, started.worker.output()).toContain(pausedLine(point));
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const storedSha = async (key: string) => sha256(await readFile(path.join(config.storage.dataDir, key)));
const record = () => getBillingRecord(storage.records, MONTH);

/** Who holds the month's lease, by claiming it: null when free (then given back at once). */
async function leaseHolder(): Promise<string | null> {
  const claim = await storage.records.claimLease(monthLeaseName(MONTH), 'the test, looking', 60_000);
  if (!claim.claimed) return claim.held.holder;
  await storage.records.releaseLease(monthLeaseName(MONTH), 'the test, looking');
  return null;
}

/** The billing activity's attempt that completed, and why the one before it ended, from the run's history. */
async function completedAttempt(handle: WorkflowHandle): Promise<{ attempt: number; before: unknown }> {
  const started = ((await handle.fetchHistory()).events ?? []).flatMap(
    (e) => e.activityTaskStartedEventAttributes ?? [],
  );
  expect(started).toHaveLength(1);
  return { attempt: started[0]?.attempt ?? 0, before: started[0]?.lastFailure?.timeoutFailureInfo?.timeoutType };
}

/** Attempt 1 died; attempt 2 started once its heartbeat stopped, took its lease over and billed. */
const AFTER_THE_KILL = { attempt: 2, before: temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT };

describe("a worker killed between two writes of a month's billing", () => {
  it('cut after the version Parquet: no record yet; the next worker writes the record and the month, all agreeing', async () => {
    const first = startWorker('billing:version-written');
    await first.worker.ready;
    const handle = await requestBilling(client, config.temporal.taskQueue, MONTH, { kind: 'manual' });
    await pausedAt(first, 'billing:version-written');

    // At the cut: version 1's Parquet alone, no record, no month's Parquet; the attempt holds the lease.
    expect(await storage.objects.head(billingKeys.monthVersion(MONTH, 1))).not.toBeNull();
    const cutVersion = await storedSha(billingKeys.monthVersion(MONTH, 1));
    expect(await record()).toBeNull();
    expect(await storage.objects.head(billingKeys.month(MONTH))).toBeNull();
    expect(await leaseHolder()).toMatch(holderOfAttempt(1));
    await first.worker.kill('SIGKILL');

    const second = startWorker();
    await second.worker.ready;
    expect(await handle.result()).toMatchObject({ month: MONTH, runs: 1, changed: 1, version: 1 });

    const billed = await record();
    expect(billed?.versions.map((v) => v.version)).toEqual([1]);
    expect(billed?.runs.map((r) => [r.changed, r.triggers.map((t) => t.kind)])).toEqual([[true, ['manual']]]);
    // The next attempt wrote version 1 again at its key: the same bytes, named by the record.
    expect(await storedSha(billingKeys.monthVersion(MONTH, 1))).toBe(cutVersion);
    expect(billed?.sha256).toBe(cutVersion);
    expect(billed?.versions[0]?.sha256).toBe(cutVersion);
    expect(await storedSha(billingKeys.month(MONTH))).toBe(cutVersion);
    expect(await leaseHolder()).toBeNull();
    expect(await completedAttempt(handle)).toEqual(AFTER_THE_KILL);
    await second.worker.kill('SIGTERM');
  });

  it("cut after the record: readers follow the record, not the older month's Parquet; the next worker rewrites it", async () => {
    await putStoredDays(storage, await storeFlows(scratch, [C15, R151]));
    const third = startWorker('billing:record-written');
    await third.worker.ready;
    const handle = await requestBilling(client, config.temporal.taskQueue, MONTH, { kind: 'manual' });
    await pausedAt(third, 'billing:record-written');

    // At the cut: the record names version 2, the month's Parquet is still version 1's.
    const cut = await record();
    expect(cut?.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(cut === null ? null : currentVersion(cut).version).toBe(2);
    const [v1, v2] = [
      await storedSha(billingKeys.monthVersion(MONTH, 1)),
      await storedSha(billingKeys.monthVersion(MONTH, 2)),
    ];
    expect(v2).not.toBe(v1);
    expect(cut?.sha256).toBe(v2);
    expect(await storedSha(billingKeys.month(MONTH))).toBe(v1);
    const read = await recordedMonthFile(storage.objects, scratch.dir, MONTH, cut, 'at-the-cut.parquet');
    expect(sha256(await readFile(read ?? ''))).toBe(v2);
    expect(await leaseHolder()).toMatch(holderOfAttempt(1));
    await third.worker.kill('SIGKILL');

    const fourth = startWorker();
    await fourth.worker.ready;
    // The killed attempt recorded the move; the next one finds the figures recorded (changed: 0)
    // and only rewrites the month's Parquet.
    expect(await handle.result()).toMatchObject({ month: MONTH, runs: 1, changed: 0, version: 2 });

    const billed = await record();
    expect(billed?.versions.map((v) => [v.version, v.sha256])).toEqual([
      [1, v1],
      [2, v2],
    ]);
    expect(billed?.sha256).toBe(v2);
    expect(await storedSha(billingKeys.monthVersion(MONTH, 2))).toBe(v2);
    expect(await storedSha(billingKeys.month(MONTH))).toBe(v2);
    // Each attempt that wrote the record left its run there: the killed one's, then the next one's.
    expect(billed?.runs.map((r) => [r.changed, r.triggers.map((t) => t.kind)])).toEqual([
      [true, ['manual']],
      [true, ['manual']],
      [false, ['manual']],
    ]);
    expect(await leaseHolder()).toBeNull();
    expect(await completedAttempt(handle)).toEqual(AFTER_THE_KILL);
  });
});
