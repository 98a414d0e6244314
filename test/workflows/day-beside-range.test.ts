/**
 * A per-day run of a day a backfill's ranged run holds waits for the range instead of running
 * beside it, on the real dev server: `courant run --wait` and the scheduled day, each started while
 * a range holds its day (a `rangeRun` on a task queue no worker polls, the days' records opened as
 * a range opens them). Both look and wait, the records still the range's; once the range ends, each
 * day runs and its record is its own. A range taking the day between a run's look and its take
 * makes the take refused (one conditional write on the day's record). And a range's download
 * struck on one day by a transient fault: that day leaves the range at once; struck on every day,
 * the stage is retried, then each day fails alone on the last attempt.
 */
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDayRunActivities } from '../../src/activities/day-runs.js';
import { createRangeStageActivities } from '../../src/activities/range-stages.js';
import type { RecordStore } from '../../src/storage/records.js';
import type { InputFile } from '../../src/workflow-safe/day-records.js';
import type { DayStepResult } from '../../src/workflow-safe/ranges.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import type { scheduledDaily } from '../../src/workflows/scheduled-daily.js';
import { dayRun } from '../storage/record-store-contract.js';
import { uniqueName } from '../support/names.js';
import { startCommandLine } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const FROM = '2023-03-07';
const TO = '2023-03-08';
let odre: OdreServer;
let harness: TestWorkerHarness;

beforeAll(async () => {
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport(FROM, '2023-03-09'),
    'eco2mix-national-cons-def': emptyExport(),
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
});

afterAll(async () => {
  await harness?.close();
  await odre?.close();
});

/** How many times the day's run has paused to look at the range again. */
async function looks(date: string): Promise<number> {
  const history = await harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', date)).fetchHistory();
  return (history.events ?? []).filter((e) => e.timerStartedEventAttributes).length;
}

describe('a per-day run of a day a range holds', () => {
  it('waits for the range, from `courant run` and from the schedule, then runs the day as its own', async () => {
    const { records } = harness.resources.deps;
    const rangeId = workflowIds.range('eco2mix', FROM, TO);
    const range = await harness.client.workflow.start('rangeRun', {
      workflowId: rangeId,
      taskQueue: uniqueName('no-worker'),
      args: [{ dataset: 'eco2mix', dates: [FROM, TO], runKind: 'backfill' }],
    });
    const held = (date: string) =>
      dayRun({ date, workflowId: rangeId, runId: range.firstExecutionRunId, runKind: 'backfill' });
    expect(await records.openDayRuns([held(FROM), held(TO)])).toEqual([]);

    const cli = startCommandLine(['run', '--date', FROM, '--datasets', 'eco2mix', '--wait'], cliEnv(harness.config));
    const scheduled = await harness.client.workflow.start<typeof scheduledDaily>('scheduledDaily', {
      workflowId: uniqueName('scheduled'),
      taskQueue: harness.config.temporal.taskQueue,
      args: [{ date: TO }],
    });
    // A run not started yet has looked no time.
    const looked = async (date: string) => looks(date).catch(() => 0);
    await expect.poll(async () => Math.min(await looked(FROM), await looked(TO)), { interval: 250 }).toBeGreaterThan(1);
    for (const date of [FROM, TO])
      expect(await records.getDayRun('eco2mix', date)).toMatchObject({ status: 'running', workflowId: rangeId });

    await range.terminate('the test ends the range');
    const ran = await cli.done;
    expect(ran.code, ran.stderr).toBe(0);
    await scheduled.result();
    expect(await records.getDayRun('eco2mix', FROM)).toMatchObject({
      status: 'succeeded',
      runKind: 'manual',
      workflowId: workflowIds.datasetDay('eco2mix', FROM),
    });
    expect(await records.getDayRun('eco2mix', TO)).toMatchObject({
      status: 'succeeded',
      runKind: 'scheduled',
      workflowId: workflowIds.datasetDay('eco2mix', TO),
    });
    if (process.env.RECORD_HISTORIES === '1') {
      const history = await harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', FROM)).fetchHistory();
      await writeFile('test/replay/histories/dataset-day-waits-for-range.json', historyToJSON(history));
    }
  });
});

describe('a per-day run and a range taking one day at once', () => {
  it("never both take it: a range taking the day between the run's look and its take makes the take refused", async () => {
    const { records } = harness.resources.deps;
    const date = '2023-03-05';
    const rangeId = workflowIds.range('eco2mix', date, date);
    const range = await harness.client.workflow.start('rangeRun', {
      workflowId: rangeId,
      taskQueue: uniqueName('no-worker'),
      args: [{ dataset: 'eco2mix', dates: [date], runKind: 'backfill' }],
    });
    const held = dayRun({ date, workflowId: rangeId, runId: range.firstExecutionRunId, runKind: 'backfill' });
    // The range opens the day at the one point between the run's read of the record and its write.
    const racing: RecordStore = new Proxy(records, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property === 'openDayRuns')
          return async (...args: Parameters<RecordStore['openDayRuns']>) => {
            expect(await target.openDayRuns([held])).toEqual([]);
            return target.openDayRuns(...args);
          };
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const dayOf = {
      workflowType: 'datasetDay',
      workflowExecution: { workflowId: workflowIds.datasetDay('eco2mix', date), runId: 'day-run' },
    };
    const take = (store: RecordStore) =>
      new MockActivityEnvironment(dayOf).run(
        createDayRunActivities({ ...harness.resources.deps, records: store }, harness.client).startDayRun,
        { dataset: 'eco2mix', date, runKind: 'manual' as const },
      );
    try {
      expect(await take(racing)).toEqual({ taken: false });
      expect(await records.getDayRun('eco2mix', date)).toMatchObject({ status: 'running', workflowId: rangeId });
      // Looked again while the range runs: still its.
      expect(await take(records)).toEqual({ taken: false });
    } finally {
      await range.terminate('the test ends the range');
    }
    // The range ended without finishing the day: the run takes it over.
    expect(await take(records)).toEqual({ taken: true });
    expect(await records.getDayRun('eco2mix', date)).toMatchObject({ status: 'running', runId: 'day-run' });
  });
});

describe('a transient fault of one day inside a range', () => {
  /** Not run yet: its source is asked (the days before reuse the raw files they stored). */
  const FAILING = '2023-03-09';
  const dates = [FROM, TO, FAILING];
  const download = (attempt: number) =>
    new MockActivityEnvironment({ attempt, retryPolicy: { maximumAttempts: 8 } }).run(
      createRangeStageActivities(harness.resources.deps).downloadRangeDays,
      { dataset: 'eco2mix', dates },
    );

  it('lets that day leave the range at its first fault, the others gone through; a fault on every day retries the stage', async () => {
    const types = (days: DayStepResult<InputFile[]>[]) => days.map((day) => ('ok' in day ? 'ok' : day.failure.type));
    const message = (day: DayStepResult<InputFile[]> | undefined) =>
      day && 'failure' in day ? day.failure.message : '';
    // The requests for the Paris day FAILING, which starts at 23:00 UTC on TO (winter time).
    odre.failWhen('eco2mix-national-tr', (where) =>
      where?.includes(`'${TO}T23`) === true ? { status: 503, body: 'busy' } : undefined,
    );
    try {
      const first = (await download(1)) as DayStepResult<InputFile[]>[];
      expect(types(first)).toEqual(['ok', 'ok', 'TransientIO']);
      expect(message(first[2])).toMatch(
        new RegExp(`503.*left the range at its first transient fault, to run again as its own daily/${FAILING}`),
      );
      // Every day struck (the source down): the stage's fault, retried; on its last attempt each day fails alone.
      odre.failWhen('eco2mix-national-tr', () => ({ status: 503, body: 'busy' }));
      const all = [FAILING, '2023-03-06'];
      const downloadAll = (attempt: number) =>
        new MockActivityEnvironment({ attempt, retryPolicy: { maximumAttempts: 8 } }).run(
          createRangeStageActivities(harness.resources.deps).downloadRangeDays,
          { dataset: 'eco2mix', dates: all },
        );
      await expect(downloadAll(1)).rejects.toThrow(/503/);
      const last = (await downloadAll(8)) as DayStepResult<InputFile[]>[];
      expect(types(last)).toEqual(['TransientIO', 'TransientIO']);
      expect(message(last[0])).toMatch(/503.*on each of the range's 8 attempts/);
    } finally {
      odre.failWhen('eco2mix-national-tr', null);
    }
  });
});
