/** Controlling a running backfill on the real dev server: continue-as-new, pause/resume, cancel. */
import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBackfillDays } from '../../src/activities/backfill-plan.js';
import { startBackfill } from '../../src/client/start-backfill.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import type { RangeRunOutput } from '../../src/workflow-safe/ranges.js';
import { pauseSignal, progressQuery, resumeSignal } from '../../src/workflow-safe/backfill-messages.js';
import { uniqueName } from '../support/names.js';
import { emptyExport, syntheticRealtimeExport, whereStartOf } from '../support/synthetic-eco2mix.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { readUntil } from '../support/deadlines.js';

const TR = 'eco2mix-national-tr';
let odre: OdreServer;
let harness: TestWorkerHarness;

beforeAll(async () => {
  odre = await startOdreServer({
    [TR]: syntheticRealtimeExport('2021-01-01', '2021-02-28'),
    'eco2mix-national-cons-def': emptyExport(),
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

const start = (input: Parameters<typeof startBackfill>[1]) =>
  startBackfill(harness.client, input, uniqueName('bf'), harness.config.temporal.taskQueue);

/** The type of each activity a history scheduled, in order; a backfill runs no local activity. */
function activityTypes(history: temporal.api.history.v1.IHistory): string[] {
  const events = history.events ?? [];
  expect(events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toEqual(
    [],
  );
  return events.flatMap((event) => {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    return type ? [type] : [];
  });
}

/**
 * The backfill's history once it waits on nothing but a signal: no day running, no workflow task,
 * activity or child pending, so nothing more can happen until it is signalled.
 */
async function idleHistory(handle: Awaited<ReturnType<typeof start>>) {
  for (;;) {
    const { running } = await handle.query(progressQuery);
    const { raw } = await handle.describe();
    const pending = raw.pendingWorkflowTask || raw.pendingActivities?.length || raw.pendingChildren?.length;
    if (running.length === 0 && !pending) return (await handle.fetchHistory()).events ?? [];
    await sleep(100);
  }
}

/**
 * Starts a backfill of four days whose downloads get a 503 until the end, two of them in flight
 * (per day at parallel 2, or one range of two at parallel 1), and cancels it once both have
 * recorded their run (so the cancellation has a record to mark). The backfill ends Cancelled, the
 * two days in flight are recorded `cancelled`, never failed, and the next `--mode missing` plans
 * exactly them and the two days never started; `--mode failed` plans none.
 */
async function cancelInFlight(days: readonly [string, string, string, string], perDay: boolean) {
  const records = harness.resources.deps.records;
  const inFlight = days.slice(0, 2);
  odre.failWhen(TR, (where) =>
    days.some((d) => where?.startsWith(whereStartOf(d))) ? { status: 503, body: 'busy' } : undefined,
  );
  const handle = await start({
    from: days[0],
    to: days[3],
    mode: 'all',
    ...(perDay ? { perDay, parallel: 2 } : { rangeDays: 2, parallel: 1 }),
  });
  for (let p = await handle.query(progressQuery); p.running.length < 2; p = await handle.query(progressQuery))
    await sleep(100);
  while ((await Promise.all(inFlight.map((d) => records.getDayRun('eco2mix', d)))).includes(null)) await sleep(100);
  await handle.cancel();
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  for (const day of inFlight)
    expect(await records.getDayRun('eco2mix', day)).toMatchObject({
      status: 'cancelled',
      error: { type: 'Cancelled' },
    });
  for (const day of days.slice(2)) expect(await records.getDayRun('eco2mix', day)).toBeNull();
  const plan = (mode: 'missing' | 'failed') =>
    planBackfillDays(records, { from: days[0], to: days[3], mode, datasets: ['eco2mix'] });
  expect(await plan('missing')).toEqual(days);
  expect(await plan('failed')).toEqual([]);
  odre.failWhen(TR, null);
}

describe('a day of a range whose source fails transiently', () => {
  it('leaves the range at its first fault: the others finish while it fails, then it runs as its own daily', async () => {
    const records = harness.resources.deps.records;
    const [from, flaky, to] = ['2021-02-01', '2021-02-03', '2021-02-06'];
    odre.failWhen(TR, (where) => (where?.startsWith(whereStartOf(flaky)) ? { status: 503, body: 'busy' } : undefined));
    try {
      const handle = await start({ from, to, mode: 'all', rangeDays: 6, parallel: 1 });
      // The range ends while the source still fails the day: it never waited for the day's retries.
      const rangeRun = harness.client.workflow.getHandle<() => Promise<RangeRunOutput>>(
        workflowIds.range('eco2mix', from, to),
      );
      const started = () =>
        rangeRun.describe().then(
          () => true,
          () => false,
        );
      expect(await readUntil(started, Boolean, 100)).toBe(true);
      const range = await rangeRun.result();
      expect(range.days.filter((d) => d.status === 'succeeded').map((d) => d.date)).toEqual([
        '2021-02-01',
        '2021-02-02',
        '2021-02-04',
        '2021-02-05',
        '2021-02-06',
      ]);
      const left = range.days.find((d) => d.date === flaky);
      expect(left).toMatchObject({ status: 'failed', failure: { type: 'TransientIO' } });
      expect(left?.failure?.message ?? '').toContain(
        `left the range at its first transient fault, to run again as its own daily/${flaky}`,
      );
      for (const date of ['2021-02-01', '2021-02-06'])
        expect(await records.getDayRun('eco2mix', date)).toMatchObject({ status: 'succeeded' });
      // The day runs on its own, retrying with its own backoff, until the source answers.
      const own = harness.client.workflow.getHandle(workflowIds.daily(flaky));
      expect(
        await readUntil(
          async () => (await own.describe().catch(() => null))?.status.name,
          (status) => status === 'RUNNING',
          200,
        ),
      ).toBe('RUNNING');
      odre.failWhen(TR, null);
      expect(await handle.result()).toMatchObject({ planned: 6, succeeded: 6, failed: 0 });
      expect(await records.getDayRun('eco2mix', flaky)).toMatchObject({ status: 'succeeded' });
    } finally {
      odre.failWhen(TR, null);
    }
  });
});

describe('a running backfill', () => {
  it('continues as new every daysPerRun days and still finishes every day once', async () => {
    const handle = await start({ from: '2021-01-01', to: '2021-01-12', mode: 'all', parallel: 3, daysPerRun: 5 });
    // The rows of every day, counted across the three runs.
    expect(await handle.result()).toMatchObject({
      planned: 12,
      succeeded: 12,
      failed: 0,
      rows: { days: 12, read: 12 * 96, written: 12 * 96, rejected: 0, rejecting: [], moreRejecting: 0 },
    });
    // Visibility records are written after the runs close: read them until the last one shows.
    const listed = async () => {
      const runs: Array<{ runId: string; status: string }> = [];
      for await (const w of harness.client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` }))
        runs.push({ runId: w.runId, status: w.status.name });
      return runs;
    };
    const runs = await readUntil(listed, (all) => all.filter((r) => r.status !== 'RUNNING').length >= 3, 200);
    expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW')).toHaveLength(2);
    expect(runs.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
    // Reports after the days: the runs that continued as new carried their month; the last asked once.
    for (const run of runs) {
      const history = await harness.client.workflow.getHandle(handle.workflowId, run.runId).fetchHistory();
      const asked = activityTypes(history).filter((type) => type === 'requestReports');
      expect(asked).toHaveLength(run.status === 'COMPLETED' ? 1 : 0);
    }
    if (process.env.RECORD_HISTORIES === '1') {
      const first = harness.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
      await writeFile('test/replay/histories/backfill-continue-as-new.json', historyToJSON(await first.fetchHistory()));
    }
  });

  it('starts no new day while paused, and finishes after resume', async () => {
    const handle = await start({ from: '2021-01-20', to: '2021-01-25', mode: 'all', parallel: 1 });
    await handle.signal(pauseSignal);
    const events = await idleHistory(handle);
    expect(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length).toBeLessThanOrEqual(1);
    const paused = await handle.query(progressQuery);
    expect(paused.paused).toBe(true);
    expect(paused.succeeded + paused.failed + paused.running.length).toBeLessThanOrEqual(1);
    expect(paused.pending).toBeGreaterThanOrEqual(5);
    await handle.signal(resumeSignal);
    expect(await handle.result()).toMatchObject({ planned: 6, succeeded: 6 });
  });

  it('when cancelled, cancels its days in flight per day and records them as cancelled', async () => {
    const days = ['2021-02-10', '2021-02-11', '2021-02-12', '2021-02-13'] as const;
    await cancelInFlight(days, true);
    for (const day of days.slice(0, 2)) {
      const described = await harness.client.workflow.getHandle(workflowIds.daily(day)).describe();
      expect(described.status.name).toBe('CANCELLED');
    }
  });

  it('when cancelled, cancels its range in flight and records its days as cancelled', async () => {
    const days = ['2021-02-14', '2021-02-15', '2021-02-16', '2021-02-17'] as const;
    await cancelInFlight(days, false);
    const range = await harness.client.workflow.getHandle(workflowIds.range('eco2mix', days[0], days[1])).describe();
    expect(range.status.name).toBe('CANCELLED');
  });
});
