/**
 * What operators do on the real dev server: find a failed day by its attributes, fix the source,
 * Reset the day to its first workflow task through the API the Web UI uses; and the schedule.
 */
import type { DailyPipelineWorkflow } from '../../src/workflow-safe/workflow-types.js';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import type { scheduledDaily } from '../../src/workflows/scheduled-daily.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { scheduledDay } from '../../src/workflow-safe/resolve-partition.js';
import {
  PartitionDate,
  RunKindAttribute,
  TemporalScheduledStartTime,
} from '../../src/workflow-safe/search-attributes.js';
import { uniqueName } from '../support/names.js';
import { runCommandLine } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { readUntil } from '../support/deadlines.js';

const TR = 'eco2mix-national-tr';
const FAILED_DAY = '2022-05-10';
const yesterday = scheduledDay(new Date());

function joined(...exports: string[]): string {
  const [first = '', ...rest] = exports;
  return (
    [first.replace(/\r\n$/, ''), ...rest.map((e) => e.split('\r\n').slice(1).join('\r\n').replace(/\r\n$/, ''))].join(
      '\r\n',
    ) + '\r\n'
  );
}

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;

beforeAll(async () => {
  odre = await startOdreServer({
    [TR]: joined(
      syntheticRealtimeExport('2022-05-10', '2022-05-11'),
      syntheticRealtimeExport('2024-10-24', '2024-10-28'),
      syntheticRealtimeExport(yesterday, yesterday),
    ),
    'eco2mix-national-cons-def': emptyExport(),
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = {
    TEMPORAL_ADDRESS: harness.config.temporal.address,
    TEMPORAL_NAMESPACE: harness.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: harness.config.temporal.taskQueue,
    SCHEDULE_ID: uniqueName('sched'),
    // Every schedule `schedules apply` writes is this file's own: other files of the namespace apply theirs.
    INBOX_SCAN_SCHEDULE_ID: uniqueName('inbox'),
    REVISED_DAYS_SCHEDULE_ID: uniqueName('revised'),
    SNAPSHOT_SCHEDULE_ID: uniqueName('snapshots'),
    VERIFY_SCHEDULE_ID: uniqueName('verify'),
    BILLING_SCHEDULE_ID: uniqueName('billing'),
  };
});

afterAll(async () => {
  for (const [name, id] of Object.entries(env))
    if (name.endsWith('SCHEDULE_ID'))
      await harness.client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
  await harness.close();
  await odre.close();
});

async function waitForDays(dates: string[]) {
  return readUntil(
    () => harness.resources.deps.records.listDayRuns({ from: dates[0] ?? '', to: dates.at(-1) ?? '' }),
    (runs) => runs.filter((r) => r.status !== 'running').length >= dates.length,
  );
}

describe('operators', () => {
  it('find a failed day by PartitionDate and ExecutionStatus, and a Reset after the fix runs the same day to success', async () => {
    odre.failNext(TR, [{ status: 200, contentType: 'text/html', body: '<html>down</html>' }]);
    const first = await startDay(harness.client, {
      date: FAILED_DAY,
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    await expect(first.result()).rejects.toThrow();

    const query = `PartitionDate >= "${FAILED_DAY}T00:00:00Z" AND PartitionDate < "2022-05-11T00:00:00Z" AND ExecutionStatus = "Failed" AND WorkflowType = "dailyPipeline"`;
    const found = await readUntil(
      async () => {
        const ids: string[] = [];
        for await (const w of harness.client.workflow.list({ query })) ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
    );
    expect(found).toEqual([workflowIds.daily(FAILED_DAY)]);

    const history = await first.fetchHistory();
    const firstTask = history.events?.find(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    );
    expect(firstTask?.eventId).toBeDefined();
    const reset = await harness.client.workflowService.resetWorkflowExecution({
      namespace: harness.config.temporal.namespace,
      workflowExecution: { workflowId: first.workflowId, runId: first.firstExecutionRunId },
      workflowTaskFinishEventId: firstTask?.eventId,
      requestId: randomUUID(),
      reason: 'source fixed',
    });
    const rerun = harness.client.workflow.getHandle<DailyPipelineWorkflow>(first.workflowId, reset.runId ?? undefined);
    const result = await rerun.result();
    expect(result.date).toBe(FAILED_DAY);
    expect((await rerun.describe()).typedSearchAttributes.get(PartitionDate)?.toISOString()).toBe(
      `${FAILED_DAY}T00:00:00.000Z`,
    );
    expect(await harness.resources.deps.records.getDayRun('eco2mix', FAILED_DAY)).toMatchObject({
      status: 'succeeded',
      attempt: 2,
    });
  });

  it('a day started with no date at all fails at once, saying how to start it', async () => {
    const handle = await harness.client.workflow.start('dailyPipeline', {
      workflowId: uniqueName('nodate'),
      taskQueue: harness.config.temporal.taskQueue,
      args: [{}],
    });
    await expect(handle.result()).rejects.toMatchObject({
      cause: { type: 'MissingPartition', message: expect.stringMatching(/the day is unknown/) as unknown },
    });
  });
});

describe('one run per day', () => {
  it('a scheduled run of a day already in flight attaches to it instead of running it twice', async () => {
    const day = '2022-05-11';
    odre.failNext(TR, [
      { status: 503, body: 'busy' },
      { status: 503, body: 'busy' },
    ]);
    const manual = await startDay(harness.client, {
      date: day,
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    const scheduled = await harness.client.workflow.start<typeof scheduledDaily>('scheduledDaily', {
      workflowId: uniqueName('scheduled'),
      taskQueue: harness.config.temporal.taskQueue,
      args: [{ date: day }],
    });
    const [fromManual, fromScheduled] = await Promise.all([manual.result(), scheduled.result()]);
    expect(fromScheduled).toEqual(fromManual);
    const runs: string[] = [];
    for await (const w of harness.client.workflow.list({ query: `WorkflowId = "${workflowIds.daily(day)}"` }))
      runs.push(w.runId);
    expect(runs).toHaveLength(1);
    expect(await harness.resources.deps.records.getDayRun('eco2mix', day)).toMatchObject({
      attempt: 1,
      runKind: 'manual',
    });
    if (process.env.RECORD_HISTORIES === '1') {
      await writeFile(
        'test/replay/histories/scheduled-daily-attach.json',
        historyToJSON(await scheduled.fetchHistory()),
      );
    }
  });
});

describe('the daily schedule', () => {
  it('is applied as code: created, then nothing changed, then a changed setting is shown', async () => {
    expect((await runCommandLine(['schedules', 'apply'], env)).stdout).toContain(`schedule ${env.SCHEDULE_ID} created`);
    expect((await runCommandLine(['schedules', 'apply'], env)).stdout).toContain('nothing changed');
    const changed = await runCommandLine(['schedules', 'apply'], { ...env, SCHEDULE_TIME: '08:30' });
    expect(changed.stdout).toContain('time: 07:00 → 08:30');
    expect((await runCommandLine(['schedules', 'apply'], env)).stdout).toContain('time: 08:30 → 07:00');
    const described = await runCommandLine(['schedules', 'describe'], env);
    expect(described.stdout).toMatch(/timezone\s+Europe\/Paris/);
    expect(described.stdout).toMatch(/overlap\s+ALLOW_ALL/);
  });

  it("backfills exactly the Paris days 2024-10-25..2024-10-27 through the schedule's own backfill, DST day included", async () => {
    const r = await runCommandLine(['schedules', 'backfill', '--from', '2024-10-25', '--to', '2024-10-27'], env);
    expect(r.code, r.stderr).toBe(0);
    const runs = await waitForDays(['2024-10-25', '2024-10-26', '2024-10-27']);
    const all = await harness.resources.deps.records.listDayRuns({ from: '2024-10-20', to: '2024-10-31' });
    expect(all.map((d) => [d.date, d.status, d.runKind])).toEqual([
      ['2024-10-25', 'succeeded', 'scheduled'],
      ['2024-10-26', 'succeeded', 'scheduled'],
      ['2024-10-27', 'succeeded', 'scheduled'],
    ]);
    expect(runs).toHaveLength(3);
    const dst = await harness.client.workflow
      .getHandle<DailyPipelineWorkflow>(workflowIds.daily('2024-10-27'))
      .result();
    expect(dst.datasets[0]?.rows.written).toBe(100);
  });

  it('trigger runs the day before today as a scheduled run; pause and unpause, one or all, are described', async () => {
    expect((await runCommandLine(['schedules', 'trigger'], env)).code).toBe(0);
    const [run] = await waitForDays([yesterday]);
    expect(run).toMatchObject({ date: yesterday, status: 'succeeded', runKind: 'scheduled' });
    const day = await harness.client.workflow.getHandle(workflowIds.daily(yesterday)).describe();
    expect(day.typedSearchAttributes.get(RunKindAttribute)).toBe('scheduled');
    const parent = day.parentExecution?.workflowId ?? '';
    const scheduled = await harness.client.workflow.getHandle(parent).describe();
    expect(scheduled.typedSearchAttributes.get(TemporalScheduledStartTime)).toBeInstanceOf(Date);
    if (process.env.RECORD_HISTORIES === '1') {
      const handle = harness.client.workflow.getHandle(parent);
      await handle.result();
      await writeFile('test/replay/histories/scheduled-daily.json', historyToJSON(await handle.fetchHistory()));
    }

    await runCommandLine(['schedules', 'pause', '--note', 'source maintenance'], env);
    expect((await runCommandLine(['schedules', 'describe'], env)).stdout).toContain('(PAUSED: source maintenance)');
    await runCommandLine(['schedules', 'unpause'], env);
    expect((await runCommandLine(['schedules', 'describe'], env)).stdout).not.toContain('PAUSED');

    // Before an upgrade: every schedule of the deployment paused at once, each described so, then resumed.
    const paused = await runCommandLine(['schedules', 'pause', '--all', '--note', 'upgrade'], env);
    expect(paused.code, paused.stderr).toBe(0);
    const listed = (await runCommandLine(['schedules', 'describe'], env)).stdout
      .split('\n')
      .filter((line) => line.startsWith('schedule '));
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.filter((line) => !line.includes('(PAUSED: upgrade)'))).toEqual([]);
    expect(paused.stdout.split('\n').filter((line) => line.includes('paused: upgrade'))).toHaveLength(listed.length);
    const mixed = await runCommandLine(['schedules', 'unpause', '--all', '--inbox-scan'], env);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--all takes every schedule: give it without --inbox-scan');
    expect((await runCommandLine(['schedules', 'unpause', '--all'], env)).code).toBe(0);
    expect((await runCommandLine(['schedules', 'describe'], env)).stdout).not.toContain('PAUSED');
  });
});
