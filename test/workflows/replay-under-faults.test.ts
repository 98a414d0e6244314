/**
 * Histories recorded under the faults that once gave histories their own code could not replay: a
 * local activity's result landing in a later workflow task than the one that scheduled it (the task
 * completed at 80 % of its timeout while the activity ran), and a worker stopped mid-range, its
 * backfill queried while the next worker replays it. Each run ends as it would have without the
 * fault, and its history replays against the bundle; `RECORD_HISTORIES=1` writes them to
 * test/replay/histories/.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { NativeConnection, Worker, type ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { startBackfill } from '../../src/client/start-backfill.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { progressQuery } from '../../src/workflow-safe/backfill-messages.js';
import { backfillTaskQueue, workflowIds } from '../../src/workflow-safe/keys.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { PipelineStageAttribute } from '../../src/workflow-safe/search-attributes.js';
import type { DailyPipelineWorkflow, RangeRunWorkflow } from '../../src/workflow-safe/workflow-types.js';
import { uniqueName } from '../support/names.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const TR = 'eco2mix-national-tr';
const FROM = '2023-03-01';
const TO = '2023-03-12';
/** Short enough that an activity held a few seconds outlives 80 % of a task. */
const TASK_TIMEOUT = '2 seconds';

let odre: OdreServer;
let harness: TestWorkerHarness;
let connection: NativeConnection;

/** One activity type held when it starts, until released; `entered` counts the attempts held. */
class Gate {
  entered = 0;
  private open = false;
  private readonly waiting = new Set<() => void>();
  constructor(readonly activityType: string) {}

  /** Holds the attempt until release(), or until it is cancelled (its worker shutting down). */
  async pass(): Promise<void> {
    if (this.open) return;
    this.entered += 1;
    const cancelled = Context.current().cancelled;
    await Promise.race([new Promise<void>((resolve) => this.waiting.add(resolve)), cancelled]);
  }

  release(): void {
    this.open = true;
    for (const resolve of this.waiting) resolve();
    this.waiting.clear();
  }
}

/** Workers on `taskQueue` and its backfill queue, with the real bundle and activities, `gate` holding its type. */
async function workersWith(taskQueue: string, gate: Gate | null): Promise<Worker[]> {
  const activities = createActivities(harness.resources.deps, harness.client);
  const hold = (): ActivityInboundCallsInterceptor => ({
    async execute(input, next) {
      if (gate && Context.current().info.activityType === gate.activityType) await gate.pass();
      return next(input);
    },
  });
  return Promise.all(
    [taskQueue, backfillTaskQueue(taskQueue)].map((queue) =>
      Worker.create({
        connection,
        namespace: harness.config.temporal.namespace,
        taskQueue: queue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        activities,
        shutdownGraceTime: '1 second',
        interceptors: { activity: [() => ({ inbound: hold() })] },
      }),
    ),
  );
}

/** Runs `workers` until `work` settles. */
async function runningWhile<T>(workers: readonly Worker[], work: () => Promise<T>): Promise<T> {
  const [first, ...rest] = workers;
  if (!first) throw new Error('no worker');
  return rest.reduce<() => Promise<T>>(
    (inner, worker) => () => worker.runUntil(inner),
    () => first.runUntil(work),
  )();
}

type Event = temporal.api.history.v1.IHistoryEvent;

async function eventsOf(client: Client, workflowId: string): Promise<Event[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

const isTaskCompleted = (e: Event) => e.workflowTaskCompletedEventAttributes != null;

/**
 * Once `gate` holds its activity, waits until `workflowId` completes the workflow task the activity
 * runs in (past 80 % of its timeout), then releases it: its result lands in a later task.
 */
async function releaseInALaterTask(gate: Gate, workflowId: string): Promise<void> {
  while (gate.entered === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const before = (await eventsOf(harness.client, workflowId)).filter(isTaskCompleted).length;
  while ((await eventsOf(harness.client, workflowId)).filter(isTaskCompleted).length <= before)
    await new Promise((resolve) => setTimeout(resolve, 100));
  gate.release();
}

/** The local activity type a marker event records, if it is one. */
function localActivityType(event: Event): string | null {
  const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  if (!data) return null;
  const marker: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
  return marker && typeof marker === 'object' && 'activity_type' in marker ? String(marker.activity_type) : null;
}

/** Whether a workflow task completed between the last event `scheduledAfter` matches and `type`'s marker. */
function landedInLaterTask(events: readonly Event[], type: string, scheduledAfter: (e: Event) => boolean): boolean {
  const marker = events.findIndex((e) => localActivityType(e) === type);
  const scheduled = events.slice(0, marker).findLastIndex(scheduledAfter);
  return marker > 0 && scheduled >= 0 && events.slice(scheduled, marker).some(isTaskCompleted);
}

async function replaysAndIsKept(client: Client, workflowId: string, file: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await expect(
    Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, workflowId),
  ).resolves.toBeUndefined();
  if (process.env.RECORD_HISTORIES === '1') await writeFile(`test/replay/histories/${file}`, historyToJSON(history));
}

/** Whether an event upserts the pipeline stage `stage`. */
const upsertsStage = (stage: string) => (e: Event) => {
  const data =
    e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[PipelineStageAttribute.name]
      ?.data;
  return data != null && Buffer.from(data).toString('utf8') === JSON.stringify(stage);
};

beforeAll(async () => {
  odre = await startOdreServer({ [TR]: syntheticRealtimeExport(FROM, TO), 'eco2mix-national-cons-def': emptyExport() });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  connection = await NativeConnection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await connection.close();
  await harness.close();
  await odre.close();
});

describe('histories recorded under faults replay', () => {
  it("a day whose report's local activity completes in a later workflow task", async () => {
    const date = FROM;
    const queue = uniqueName('q');
    const gate = new Gate('buildDailyReport');
    const workflowId = workflowIds.daily(date);
    await runningWhile(await workersWith(queue, gate), async () => {
      const handle = await harness.client.workflow.start<DailyPipelineWorkflow>('dailyPipeline', {
        workflowId,
        taskQueue: queue,
        workflowTaskTimeout: TASK_TIMEOUT,
        args: [{ date, runKind: 'manual', datasets: ['eco2mix'] }],
      });
      await releaseInALaterTask(gate, workflowId);
      await handle.result();
    });
    const events = await eventsOf(harness.client, workflowId);
    expect(landedInLaterTask(events, 'buildDailyReport', upsertsStage('report'))).toBe(true);
    await replaysAndIsKept(harness.client, workflowId, 'daily-pipeline-report-in-later-task.json');
  });

  it("a range whose reports' local activity completes in a later workflow task", async () => {
    const dates = datesInRange('2023-03-02', '2023-03-04');
    const queue = uniqueName('q');
    const gate = new Gate('buildRangeReports');
    const workflowId = workflowIds.range('eco2mix', dates[0] ?? '', dates.at(-1) ?? '');
    await runningWhile(await workersWith(queue, gate), async () => {
      const handle = await harness.client.workflow.start<RangeRunWorkflow>('rangeRun', {
        workflowId,
        taskQueue: queue,
        workflowTaskTimeout: TASK_TIMEOUT,
        args: [{ dataset: 'eco2mix', dates, runKind: 'backfill' }],
      });
      await releaseInALaterTask(gate, workflowId);
      expect((await handle.result()).days.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    });
    const events = await eventsOf(harness.client, workflowId);
    expect(landedInLaterTask(events, 'buildRangeReports', upsertsStage('report'))).toBe(true);
    await replaysAndIsKept(harness.client, workflowId, 'range-run-reports-in-later-task.json');
  });

  it('a ranged backfill whose worker stops mid-range, queried while the next worker replays it', async () => {
    const queue = uniqueName('q');
    const id = uniqueName('restarted');
    const gate = new Gate('measureRangeDays');
    const handle = await startBackfill(
      harness.client,
      { from: '2023-03-05', to: '2023-03-12', mode: 'all', parallel: 2, rangeDays: 4 },
      id,
      queue,
    );
    // Both ranges held in their metrics stage, then the worker stops: the stage is cancelled.
    await runningWhile(await workersWith(queue, gate), async () => {
      while (gate.entered < 2) await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const answered: number[] = [];
    const summary = await runningWhile(await workersWith(queue, null), async () => {
      // The first query reaches a worker that has never seen the backfill: answered by replaying it.
      answered.push((await handle.query(progressQuery)).planned);
      const result = handle.result();
      for (let done = false; !done;) {
        answered.push((await handle.query(progressQuery)).planned);
        done = await Promise.race([
          result.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 200)),
        ]);
      }
      return result;
    });
    expect(answered.every((planned) => planned === 8)).toBe(true);
    expect(summary).toMatchObject({ planned: 8, succeeded: 8, failed: 0 });
    const runs = await harness.resources.deps.records.listDayRuns({ from: '2023-03-05', to: '2023-03-12' });
    expect(runs.map((r) => [r.date, r.status, r.attempt])).toEqual(
      datesInRange('2023-03-05', '2023-03-12').map((date) => [date, 'succeeded', 1]),
    );
    await replaysAndIsKept(harness.client, handle.workflowId, 'backfill-worker-restarted-mid-range.json');
    await replaysAndIsKept(
      harness.client,
      workflowIds.range('eco2mix', '2023-03-05', '2023-03-08'),
      'range-run-worker-restarted.json',
    );
  });
});
