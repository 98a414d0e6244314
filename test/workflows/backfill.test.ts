/** Backfills on the real dev server through the real `courant` command, worker and records. */
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { BackfillId, RunKindAttribute } from '../../src/workflow-safe/search-attributes.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { runCommandLine } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport, whereStartOf } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const TR = 'eco2mix-national-tr';
const FROM = '2023-10-09';
const TO = '2023-11-13';
const BROKEN = ['2023-10-10', '2023-10-29', '2023-11-05'];

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;

beforeAll(async () => {
  odre = await startOdreServer({ [TR]: syntheticRealtimeExport(FROM, TO), 'eco2mix-national-cons-def': emptyExport() });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = cliEnv(harness.config);
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

describe('courant backfill', () => {
  it('plans 36 missing days in a dry run and starts nothing', async () => {
    const r = await runCommandLine(['backfill', '--from', FROM, '--to', TO, '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'dry run: 36 day(s) to run (missing, 2023-10-09..2023-11-13, 4 at a time); nothing started',
    );
    expect(r.stdout).toContain('2023-10-09..2023-11-13');
    expect(await harness.resources.deps.records.listDayRuns({ from: FROM, to: TO })).toEqual([]);
  });

  it('runs 36 days 4 at a time per day: 33 succeed, the 3 broken days fail and are named in the summary', async () => {
    odre.failWhen(TR, (where) =>
      BROKEN.some((d) => where?.startsWith(whereStartOf(d)))
        ? { status: 200, contentType: 'text/html', body: '<html>maintenance</html>' }
        : undefined,
    );
    const r = await runCommandLine(
      ['backfill', '--from', FROM, '--to', TO, '--per-day', '--parallel', '4', '--id', 'first', '--wait'],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/planned\s+36/);
    expect(r.stdout).toMatch(/succeeded\s+33/);
    expect(r.stdout).toMatch(/failed\s+3/);
    for (const day of BROKEN) expect(r.stdout).toContain(`    ${day}  `);
    expect(r.stderr).toContain('3 of 36 days failed');

    const runs = await harness.resources.deps.records.listDayRuns({ from: FROM, to: TO });
    expect(runs).toHaveLength(36);
    expect(runs.filter((d) => d.status === 'failed').map((d) => d.date)).toEqual(BROKEN);
    expect(new Set(runs.map((d) => d.runKind))).toEqual(new Set(['backfill']));

    const day = await harness.client.workflow.getHandle(workflowIds.daily('2023-10-16')).describe();
    expect(day.typedSearchAttributes.get(BackfillId)).toBe('first');
    expect(day.typedSearchAttributes.get(RunKindAttribute)).toBe('backfill');
    expect(day.taskQueue).toBe(`${harness.config.temporal.taskQueue}-backfill`);
  });

  it('never had more than 4 days in flight', async () => {
    const runs = await harness.resources.deps.records.listDayRuns({ from: FROM, to: TO });
    const spans = runs.map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt ?? r.startedAt)] as const);
    const maxOverlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
    expect(maxOverlap).toBeLessThanOrEqual(4);
  });

  it('shows the range as a status grid with the failed days and a complete audit', async () => {
    const [r, beyond] = await Promise.all([
      runCommandLine(['status', '--from', '2023-10-28', '--to', '2023-10-30'], env),
      runCommandLine(['status', '--from', '2023-11-13', '--to', '2023-11-14', '--check'], env),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2023-10-28\s+✓ succeeded/);
    expect(r.stdout).toMatch(/2023-10-29\s+✗ failed\s+eco2mix: BadData/);
    expect(r.stdout).toContain('3 days × 1 datasets = 3: 2 succeeded, 1 failed, 0 running, 0 missing');
    expect(beyond.stdout).toMatch(/2023-11-14\s+! late\s+eco2mix: late, due 2023-11-15 07:00 Paris/);
    expect(beyond.code).toBe(1);
  });

  it('--mode failed re-runs exactly the failed days once the source is fixed; --mode missing then has nothing to do', async () => {
    odre.failWhen(TR, null);
    const requestsBefore = odre.requests.length;
    const failed = await runCommandLine(
      ['backfill', '--from', FROM, '--to', TO, '--mode', 'failed', '--parallel', '4', '--wait'],
      env,
    );
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stdout).toMatch(/planned\s+3/);
    expect(failed.stdout).toMatch(/succeeded\s+3/);
    const refetched = odre.requests.slice(requestsBefore).filter((q) => q.datasetId === TR);
    expect(refetched.map((q) => q.where?.slice(0, whereStartOf(FROM).length)).sort()).toEqual(
      BROKEN.map(whereStartOf).sort(),
    );

    const missing = await runCommandLine(['backfill', '--from', FROM, '--to', TO, '--mode', 'missing', '--wait'], env);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(/planned\s+0/);
    const runs = await harness.resources.deps.records.listDayRuns({ from: FROM, to: TO });
    expect(runs.every((d) => d.status === 'succeeded')).toBe(true);
    expect(datesInRange(FROM, TO)).toEqual(runs.map((d) => d.date));
  });

  it('runs the 36 days again in ranges of 8, never more than 2 ranges in flight', async () => {
    const r = await runCommandLine(
      [
        'backfill',
        '--from',
        FROM,
        '--to',
        TO,
        '--mode',
        'all',
        '--days-per-run',
        '8',
        '--parallel',
        '2',
        '--id',
        'ranged',
        '--wait',
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/planned\s+36/);
    expect(r.stdout).toMatch(/succeeded\s+36/);

    const query = `BackfillId = "ranged" AND WorkflowType = "rangeRun"`;
    const listRanges = async () => {
      const found = [];
      for await (const run of harness.client.workflow.list({ query })) found.push(run);
      return found;
    };
    await expect.poll(async () => (await listRanges()).filter((run) => run.closeTime).length).toBe(5);
    const spans = (await listRanges()).map((run) => [run.startTime.getTime(), run.closeTime?.getTime() ?? 0] as const);
    const maxOverlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
    expect(maxOverlap).toBeLessThanOrEqual(2);
    const runs = await harness.resources.deps.records.listDayRuns({ from: FROM, to: TO });
    expect(runs.map((d) => [d.date, d.status, d.workflowId.startsWith('range/eco2mix/')])).toEqual(
      datesInRange(FROM, TO).map((date) => [date, 'succeeded', true]),
    );
  });

  it('sizes its ranges by the plan when not told: the 36 days at parallel 2 as two ranges of 18', async () => {
    const r = await runCommandLine(
      ['backfill', '--from', FROM, '--to', TO, '--mode', 'all', '--parallel', '2', '--id', 'sized', '--wait'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/succeeded\s+36/);
    const query = `BackfillId = "sized" AND WorkflowType = "rangeRun"`;
    const ranges = [workflowIds.range('eco2mix', FROM, '2023-10-26'), workflowIds.range('eco2mix', '2023-10-27', TO)];
    await expect
      .poll(async () => {
        const found = [];
        for await (const run of harness.client.workflow.list({ query })) found.push(run.workflowId);
        return found.sort();
      })
      .toEqual(ranges);
    const runs = await harness.resources.deps.records.listDayRuns({ from: FROM, to: TO });
    expect(new Set(runs.map((d) => `${d.status} ${d.workflowId}`))).toEqual(
      new Set(ranges.map((id) => `succeeded ${id}`)),
    );
    if (process.env.RECORD_HISTORIES === '1') {
      const backfill = harness.client.workflow.getHandle(workflowIds.backfill('sized'));
      await writeFile(
        'test/replay/histories/backfill-ranges-sized-by-plan.json',
        historyToJSON(await backfill.fetchHistory()),
      );
    }
  });
});
