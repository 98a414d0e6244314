/**
 * Ranged backfills on the real dev server, through the real `courant` command, worker and records,
 * over the real eCO2mix days of December 2021 (the demo's ODRÉ export): every day's outputs and
 * record as `daily/{date}` gives them, and a day at fault failing alone, then run as `daily/{date}`.
 */
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { datesInRange, partitionDateAttribute } from '../../src/workflow-safe/partition.js';
import { PartitionDate } from '../../src/workflow-safe/search-attributes.js';
import { backfillTaskQueue, workflowIds } from '../../src/workflow-safe/keys.js';
import { runCommandLine } from '../support/run-cli.js';
import { outputsOf, recordsOf } from '../support/stored-days.js';
import { oneRowRejectedExport, unbalancedRealtimeExport, whereStartOf } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const TR = 'eco2mix-national-tr';
const FROM = '2021-12-01';
const TO = '2021-12-12';
const HTML_DAY = '2021-12-20';
const BLOCKED_DAY = '2021-12-23';
const REJECTING_DAY = '2021-12-25';

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;

beforeAll(async () => {
  odre = await startOdreServer(await loadDemoExports());
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = cliEnv(harness.config);
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

describe('courant backfill in ranges', () => {
  it('gives every real day the outputs and record of its own daily/{date}, byte for byte', async () => {
    const perDay = await runCommandLine(
      ['backfill', '--from', FROM, '--to', TO, '--mode', 'all', '--per-day', '--parallel', '1', '--wait'],
      env,
    );
    expect(perDay.code, perDay.stderr).toBe(0);
    expect(perDay.stdout).toMatch(/succeeded\s+12/);
    const days = datesInRange(FROM, TO);
    const before = {
      outputs: await outputsOf(harness.resources.deps.objects, days),
      records: await recordsOf(harness.resources.deps.records, FROM, TO),
    };
    expect((await harness.resources.deps.records.getDayRun('eco2mix', FROM))?.workflowId).toBe(
      workflowIds.datasetDay('eco2mix', FROM),
    );

    // The reports are the range's own, not left from the days' runs.
    const { objects } = harness.resources.deps;
    for (const date of days) for (const { key } of await objects.list(`reports/dt=${date}`)) await objects.delete(key);

    const ranged = await runCommandLine(
      ['backfill', '--from', FROM, '--to', TO, '--mode', 'all', '--days-per-run', '5', '--wait'],
      env,
    );
    expect(ranged.code, ranged.stderr).toBe(0);
    expect(ranged.stdout).toMatch(/planned\s+12/);
    expect(ranged.stdout).toMatch(/succeeded\s+12/);
    const runs = await harness.resources.deps.records.listDayRuns({ from: FROM, to: TO });
    expect([...new Set(runs.map((r) => r.workflowId))]).toEqual([
      workflowIds.range('eco2mix', FROM, '2021-12-05'),
      workflowIds.range('eco2mix', '2021-12-06', '2021-12-10'),
      workflowIds.range('eco2mix', '2021-12-11', TO),
    ]);
    expect(Object.keys(before.outputs).length).toBeGreaterThan(12 * 5);
    expect(await outputsOf(harness.resources.deps.objects, days)).toEqual(before.outputs);
    expect(await recordsOf(harness.resources.deps.records, FROM, TO)).toEqual(before.records);

    // Both runs say the rows their days' records hold, counted as the days ended.
    const sum = (pick: (rows: { read: number; written: number; rejected: number }) => number) =>
      runs.reduce((n, run) => n + (run.rows ? pick(run.rows) : 0), 0);
    expect(sum((rows) => rows.read)).toBeGreaterThan(12 * 90);
    const rowsLine = `rows: ${sum((r) => r.read)} read, ${sum((r) => r.written)} written, ${sum((r) => r.rejected)} rejected, over 12 dataset-day(s)\n`;
    const rejecting = runs
      .filter((run) => (run.rows?.rejected ?? 0) > 0)
      .map(
        (run) =>
          `  eco2mix ${run.date}: ${run.rows?.read} rows read, ${run.rows?.written} written, ${run.rows?.rejected} rejected (${run.outputs.find((key) => key.endsWith('.rejects.jsonl'))})\n`,
      );
    for (const { stdout } of [perDay, ranged]) {
      expect(stdout).toContain(rowsLine);
      for (const line of rejecting) expect(stdout).toContain(line);
    }
  });

  it('fails a day at fault alone inside its range, then runs it as daily/{date}; its neighbours succeed', async () => {
    odre.failWhen(TR, (where) => {
      if (where?.startsWith(whereStartOf(HTML_DAY)))
        return { status: 200, contentType: 'text/html', body: '<html>maintenance</html>' };
      if (where?.startsWith(whereStartOf(BLOCKED_DAY)))
        return { status: 200, contentType: 'text/csv', body: unbalancedRealtimeExport(BLOCKED_DAY) };
      if (where?.startsWith(whereStartOf(REJECTING_DAY)))
        return { status: 200, contentType: 'text/csv', body: oneRowRejectedExport(REJECTING_DAY) };
      return undefined;
    });
    const r = await runCommandLine(
      ['backfill', '--from', '2021-12-18', '--to', '2021-12-27', '--days-per-run', '10', '--id', 'faults', '--wait'],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/planned\s+10/);
    expect(r.stdout).toMatch(/succeeded\s+8/);
    expect(r.stdout).toMatch(/failed\s+2/);
    expect(r.stderr).toContain('2 of 10 days failed');
    expect(r.stdout).toMatch(/rows: \d+ read, \d+ written, 1 rejected, over 8 dataset-day\(s\)/);
    // The day with a rejected row succeeds in its range, and the summary names the file that holds the row.
    expect(r.stdout).toMatch(
      new RegExp(
        `\\n  eco2mix ${REJECTING_DAY}: 96 rows read, 95 written, 1 rejected \\(quarantine/eco2mix/dt=${REJECTING_DAY}/\\S+\\.rejects\\.jsonl\\)\\n`,
      ),
    );

    const runs = await harness.resources.deps.records.listDayRuns({ from: '2021-12-18', to: '2021-12-27' });
    const failed = runs.filter((d) => d.status === 'failed');
    expect(failed.map((d) => [d.date, d.error?.type, d.workflowId])).toEqual([
      [HTML_DAY, 'BadData', workflowIds.datasetDay('eco2mix', HTML_DAY)],
      [BLOCKED_DAY, 'DataQuality', workflowIds.datasetDay('eco2mix', BLOCKED_DAY)],
    ]);
    expect(new Set(runs.filter((d) => d.status === 'succeeded').map((d) => d.workflowId))).toEqual(
      new Set([workflowIds.range('eco2mix', '2021-12-18', '2021-12-27')]),
    );

    // The operator finds each failed day by its PartitionDate, as a failed daily/{date}.
    for (const date of [HTML_DAY, BLOCKED_DAY]) {
      const at = partitionDateAttribute(date).getTime();
      const [after, before] = [at - 60_000, at + 60_000].map((ms) => new Date(ms).toISOString());
      // This harness's task queues only: other files of the suite run the same real days on the same server.
      const queue = harness.config.temporal.taskQueue;
      const query =
        `PartitionDate BETWEEN "${after}" AND "${before}" AND WorkflowType = "dailyPipeline"` +
        ` AND TaskQueue IN ("${queue}", "${backfillTaskQueue(queue)}")`;
      await expect
        .poll(async () => {
          const found = [];
          for await (const run of harness.client.workflow.list({ query })) found.push(run);
          return found.map((run) => [run.workflowId, run.status.name]);
        })
        .toEqual([[workflowIds.daily(date), 'FAILED']]);
      const day = await harness.client.workflow.getHandle(workflowIds.daily(date)).describe();
      expect(day.typedSearchAttributes.get(PartitionDate)?.toISOString()).toBe(
        partitionDateAttribute(date).toISOString(),
      );
    }

    odre.failWhen(TR, null);
    const again = await runCommandLine(
      ['backfill', '--from', '2021-12-18', '--to', '2021-12-27', '--mode', 'failed', '--wait'],
      env,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/planned\s+2/);
    expect(again.stdout).toMatch(/succeeded\s+2/);
    if (process.env.RECORD_HISTORIES === '1') {
      const range = harness.client.workflow.getHandle(workflowIds.range('eco2mix', '2021-12-18', '2021-12-27'));
      await writeFile('test/replay/histories/range-run-day-failed.json', historyToJSON(await range.fetchHistory()));
      const backfill = harness.client.workflow.getHandle(workflowIds.backfill('faults'));
      await writeFile('test/replay/histories/backfill-ranged.json', historyToJSON(await backfill.fetchHistory()));
    }
  });
});
