/**
 * Overlapping ranged backfills on the real dev server and records: a range that starts while
 * another range holds some of its days running leaves those days to it, and its backfill takes
 * their outcome from that range, as a per-day backfill takes a day in flight elsewhere. Every
 * shared day is downloaded, transformed and recorded once. A backfill whose own days have ended
 * while it still waits for such a range continues as new when it must, carrying the wait. A shared
 * day that leaves the range holding it at its first transient fault runs once, as its own
 * `daily/{date}`, whose outcome both backfills count.
 *
 * A range is held in flight by its source refusing every one of its own days: that fault is the
 * stage's, retried. A day refused alone would leave its range at once (docs/architecture.md,
 * "Ranged runs"), and the range would not stay in flight.
 */
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackfill } from '../../src/client/start-backfill.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { progressQuery } from '../../src/workflow-safe/backfill-messages.js';
import type { BackfillMode } from '../../src/workflow-safe/backfill.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { ErrorType } from '../../src/workflow-safe/errors.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import type { RangeDayOutcome } from '../../src/workflow-safe/ranges.js';
import type { RangeRunWorkflow } from '../../src/workflow-safe/workflow-types.js';
import { uniqueName } from '../support/names.js';
import { emptyExport, syntheticRealtimeExport, whereStartOf } from '../support/synthetic-eco2mix.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const TR = 'eco2mix-national-tr';

let odre: OdreServer;
let harness: TestWorkerHarness;
/** Days whose download fails (retryably, 503) for now. */
const heldUp = new Set<string>();
/** The requests refused for a held-up day, by their index in `odre.requests`. */
const refused = new Set<number>();
/** How many requests of each day were refused. */
const refusals = new Map<string, number>();

/** Holds up every day of [from, to]: a range of just those days stays in flight, its download retried. */
const holdUp = (from: string, to: string) => datesInRange(from, to).forEach((day) => heldUp.add(day));

/**
 * Lets the portal answer the held-up days of [from, to] again (but `keep`), between two attempts of
 * the download asking them: once each was refused as often as the others, as an attempt asks each
 * day once. Released while an attempt had asked only some of them, the days refused would be
 * faults of their own beside days that got through.
 */
async function release(from: string, to: string, keep?: string) {
  const days = datesInRange(from, to);
  await expect
    .poll(() => {
      if (new Set(days.map((day) => refusals.get(day) ?? 0)).size > 1) return false;
      for (const day of days) if (day !== keep) heldUp.delete(day);
      return true;
    })
    .toBe(true);
}

beforeAll(async () => {
  odre = await startOdreServer({
    [TR]: syntheticRealtimeExport('2022-03-01', '2022-05-12'),
    'eco2mix-national-cons-def': emptyExport(),
  });
  odre.failWhen(TR, (where) => {
    const day = [...heldUp].find((held) => where?.startsWith(whereStartOf(held)));
    if (day === undefined) return undefined;
    // The server logs a request before it asks the rule: this one is the last logged.
    refused.add(odre.requests.length - 1);
    refusals.set(day, (refusals.get(day) ?? 0) + 1);
    return { status: 503, body: 'busy' };
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

/** The CSV exports of `date` the portal served (those refused while it was held up aside): one per run of the day. */
const downloadsOf = (date: string) =>
  odre.requests.filter(
    (r, i) =>
      !refused.has(i) &&
      r.datasetId === TR &&
      r.url.includes('/exports/csv') &&
      r.where?.startsWith(whereStartOf(date)),
  ).length;

const start = (from: string, to: string, mode: BackfillMode) =>
  startBackfill(
    harness.client,
    { from, to, mode, parallel: 1, rangeDays: 16 },
    uniqueName('ranges'),
    harness.config.temporal.taskQueue,
  );

/** The outcomes of a ranged run, once it has completed. */
async function outcomesOf(workflowId: string): Promise<readonly RangeDayOutcome[]> {
  const handle = harness.client.workflow.getHandle<RangeRunWorkflow>(workflowId);
  await expect
    .poll(async () => {
      try {
        return (await handle.describe()).status.name;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return 'not started';
        throw error;
      }
    })
    .toBe('COMPLETED');
  return (await handle.result()).days;
}

const holderOf = async (date: string) => (await harness.resources.deps.records.getDayRun('eco2mix', date))?.workflowId;

/**
 * Every day of [from, to] recorded succeeded once (attempt 1) by the run `runOf` names. A day whose
 * own download met a transient fault while its range's other days got through (a connection reset
 * on a loaded machine, say) left that range at once and ran as its own `daily/{date}`, as designed
 * (docs/architecture.md, "Ranged runs"): its record is then that run's, attempt 2, and only when its
 * range says it left that way. Such a day is printed with its fault.
 */
async function expectRecordedOnce(from: string, to: string, runOf: (date: string) => string) {
  const runs = await harness.resources.deps.records.listDayRuns({ from, to, datasets: ['eco2mix'] });
  const expected = [];
  for (const date of datesInRange(from, to)) {
    const run = runs.find((r) => r.date === date);
    const own = workflowIds.datasetDay('eco2mix', date);
    const left = run?.workflowId === own ? await leftItsRange(runOf(date), date) : undefined;
    if (left) process.stderr.write(`${date} left ${runOf(date)} at a transient fault of its own: ${left}\n`);
    expected.push(left ? [date, 'succeeded', own, 2] : [date, 'succeeded', runOf(date), 1]);
  }
  expect(runs.map((r) => [r.date, r.status, r.workflowId, r.attempt])).toEqual(expected);
}

/** The transient fault with which `date` left the range `workflowId`, if it did. */
async function leftItsRange(workflowId: string, date: string): Promise<string | undefined> {
  if (!workflowId.startsWith('range/')) return undefined;
  const day = (await outcomesOf(workflowId)).find((d) => d.date === date);
  const message = day?.failure?.message;
  return day?.status === 'failed' && day.failure?.type === ErrorType.TransientIO && message?.includes('left the range')
    ? message
    : undefined;
}

describe('two ranged backfills over shared days', () => {
  it('started together: the second range leaves the shared days to the first, its backfill counts them', async () => {
    holdUp('2022-03-01', '2022-03-16');
    const first = await start('2022-03-01', '2022-03-16', 'all');
    const firstRange = workflowIds.range('eco2mix', '2022-03-01', '2022-03-16');
    await expect.poll(() => holderOf('2022-03-06')).toBe(firstRange);

    const second = await start('2022-03-06', '2022-03-21', 'all');
    const days = await outcomesOf(workflowIds.range('eco2mix', '2022-03-06', '2022-03-21'));
    expect(days.filter((d) => d.status === 'elsewhere')).toEqual(
      datesInRange('2022-03-06', '2022-03-16').map((date) => ({ date, status: 'elsewhere', heldBy: firstRange })),
    );

    await release('2022-03-01', '2022-03-16');
    const [a, b] = await Promise.all([first.result(), second.result()]);
    expect([a.succeeded, a.failed, b.succeeded, b.failed]).toEqual([16, 0, 16, 0]);
    for (const date of datesInRange('2022-03-01', '2022-03-21')) expect(downloadsOf(date), date).toBe(1);
    await expectRecordedOnce('2022-03-01', '2022-03-21', (date) =>
      date > '2022-03-16' ? workflowIds.range('eco2mix', '2022-03-06', '2022-03-21') : firstRange,
    );
  });

  it('missing days another range took since the plan: found running, left to it in a range, counted', async () => {
    // The first backfill plans 04-01..04-21 and holds its first range up, so its second waits.
    holdUp('2022-04-01', '2022-04-16');
    const first = await start('2022-04-01', '2022-04-21', 'missing');
    await expect.poll(() => holderOf('2022-04-16')).toBe(workflowIds.range('eco2mix', '2022-04-01', '2022-04-16'));
    // Another backfill takes 04-17..04-25 meanwhile, held up on those days.
    holdUp('2022-04-17', '2022-04-25');
    const other = await start('2022-04-10', '2022-04-25', 'all');
    const otherRange = workflowIds.range('eco2mix', '2022-04-10', '2022-04-25');
    await expect.poll(() => holderOf('2022-04-17')).toBe(otherRange);

    // The first backfill's next days, re-checked, are running in the other range: left to it.
    await release('2022-04-01', '2022-04-16');
    const days = await outcomesOf(workflowIds.range('eco2mix', '2022-04-17', '2022-04-21'));
    expect(days).toEqual(
      datesInRange('2022-04-17', '2022-04-21').map((date) => ({ date, status: 'elsewhere', heldBy: otherRange })),
    );

    await release('2022-04-17', '2022-04-25');
    const [a, b] = await Promise.all([first.result(), other.result()]);
    expect([a.planned, a.succeeded, a.failed, b.succeeded, b.failed]).toEqual([21, 21, 0, 16, 0]);
    for (const date of datesInRange('2022-04-01', '2022-04-25')) expect(downloadsOf(date), date).toBe(1);
    await expectRecordedOnce('2022-04-01', '2022-04-25', (date) =>
      date > '2022-04-16' ? otherRange : workflowIds.range('eco2mix', '2022-04-01', '2022-04-16'),
    );
    if (process.env.RECORD_HISTORIES === '1') {
      const range = harness.client.workflow.getHandle(workflowIds.range('eco2mix', '2022-04-17', '2022-04-21'));
      await writeFile('test/replay/histories/range-run-days-elsewhere.json', historyToJSON(await range.fetchHistory()));
      await writeFile(
        'test/replay/histories/backfill-ranges-held-days.json',
        historyToJSON(await first.fetchHistory()),
      );
    }
  });

  it('a run whose own days have ended continues as new when it must, carrying its wait for the other range', async () => {
    holdUp('2022-03-22', '2022-03-27');
    const other = await start('2022-03-22', '2022-03-27', 'all');
    const otherRange = workflowIds.range('eco2mix', '2022-03-22', '2022-03-27');
    await expect.poll(() => holderOf('2022-03-25')).toBe(otherRange);

    // Seven days per run: its one range starts them all, three of them held by the other range.
    const waiter = await startBackfill(
      harness.client,
      { from: '2022-03-25', to: '2022-03-31', mode: 'all', parallel: 1, rangeDays: 16, daysPerRun: 7 },
      uniqueName('ranges'),
      harness.config.temporal.taskQueue,
    );
    const firstRun = harness.client.workflow.getHandle(waiter.workflowId, waiter.firstExecutionRunId);
    await expect.poll(async () => (await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    // The other range still holds its days: the next run waits for them, nothing else.
    expect((await harness.client.workflow.getHandle(otherRange).describe()).status.name).toBe('RUNNING');
    const carried = await waiter.query(progressQuery);
    expect([carried.succeeded, carried.pending, [...carried.running].sort()]).toEqual([
      4,
      0,
      ['2022-03-25', '2022-03-26', '2022-03-27'],
    ]);

    await release('2022-03-22', '2022-03-27');
    const [mine, theirs] = await Promise.all([waiter.result(), other.result()]);
    expect([mine.planned, mine.succeeded, mine.failed, theirs.succeeded]).toEqual([7, 7, 0, 6]);
    for (const date of datesInRange('2022-03-22', '2022-03-31')) expect(downloadsOf(date), date).toBe(1);
    await expectRecordedOnce('2022-03-22', '2022-03-31', (date) =>
      date > '2022-03-27' ? workflowIds.range('eco2mix', '2022-03-25', '2022-03-31') : otherRange,
    );
    if (process.env.RECORD_HISTORIES === '1') {
      await writeFile(
        'test/replay/histories/backfill-waits-carried.json',
        historyToJSON(await firstRun.fetchHistory()),
      );
      await writeFile('test/replay/histories/backfill-waits-resumed.json', historyToJSON(await waiter.fetchHistory()));
    }
  });

  it('a shared day leaving the range holding it runs once as its own daily/{date}, counted by both backfills', async () => {
    const flaky = '2022-05-06';
    holdUp('2022-05-01', '2022-05-08');
    const first = await start('2022-05-01', '2022-05-08', 'all');
    const firstRange = workflowIds.range('eco2mix', '2022-05-01', '2022-05-08');
    await expect.poll(() => holderOf(flaky)).toBe(firstRange);
    const second = await start('2022-05-05', '2022-05-12', 'all');
    const secondRange = workflowIds.range('eco2mix', '2022-05-05', '2022-05-12');
    expect((await outcomesOf(secondRange)).filter((d) => d.status === 'elsewhere')).toEqual(
      datesInRange('2022-05-05', '2022-05-08').map((date) => ({ date, status: 'elsewhere', heldBy: firstRange })),
    );

    // The source answers again for every day but one: that day leaves the first range, the others succeed there.
    await release('2022-05-01', '2022-05-08', flaky);
    const days = await outcomesOf(firstRange);
    expect(days.filter((d) => d.status === 'succeeded').map((d) => d.date)).toEqual(
      datesInRange('2022-05-01', '2022-05-08').filter((date) => date !== flaky),
    );
    const left = days.find((d) => d.date === flaky);
    expect(left).toMatchObject({ status: 'failed', failure: { type: 'TransientIO' } });
    expect(left?.failure?.message).toContain(
      `left the range at its first transient fault, to run again as its own daily/${flaky}`,
    );

    // Both backfills ask for the day's own run while its source still fails: one starts it, the other attaches.
    const own = workflowIds.daily(flaky);
    const eventsOf = async (handle: typeof first) => (await handle.fetchHistory()).events ?? [];
    const asked = async (handle: typeof first) =>
      (await eventsOf(handle)).some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId === own);
    await expect.poll(async () => (await asked(first)) && (await asked(second))).toBe(true);
    heldUp.clear();

    const [a, b] = await Promise.all([first.result(), second.result()]);
    expect([a.planned, a.succeeded, a.failed, b.planned, b.succeeded, b.failed]).toEqual([8, 8, 0, 8, 8, 0]);
    const started = [...(await eventsOf(first)), ...(await eventsOf(second))].filter(
      (e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId === own,
    );
    expect(started).toHaveLength(1);
    for (const date of datesInRange('2022-05-01', '2022-05-12')) expect(downloadsOf(date), date).toBe(1);
    // The day's record is its own run's, the second it took; every other day's its range's first.
    const runs = await harness.resources.deps.records.listDayRuns({
      from: '2022-05-01',
      to: '2022-05-12',
      datasets: ['eco2mix'],
    });
    expect(runs.map((r) => [r.date, r.status, r.workflowId, r.attempt])).toEqual(
      datesInRange('2022-05-01', '2022-05-12').map((date) =>
        date === flaky
          ? [date, 'succeeded', workflowIds.datasetDay('eco2mix', date), 2]
          : [date, 'succeeded', date > '2022-05-08' ? secondRange : firstRange, 1],
      ),
    );
  });
});
