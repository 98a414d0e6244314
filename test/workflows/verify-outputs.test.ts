/**
 * `courant verify` on the real dev server, in local mode (files + document store) and in aws mode
 * (MinIO + DynamoDB Local): after a backfill, one day's Parquet and another day's metrics object
 * are deleted; verify names exactly those two, `courant status`, the console and the API show them
 * as outputs missing, `backfill --mode missing` re-runs exactly those two, and verify is clean after.
 * The scheduled verification (`verifyOutputsScheduled`) finds and counts a day the same way.
 */
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CourantMetrics } from '../../src/observability/metrics.js';
import type { VerifyOutputsOutput } from '../../src/workflow-safe/verify-outputs.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { rawGet, startConsole } from '../support/console-server.js';
import { runCommandLine } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { awsTestEnv, cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const FROM = '2023-09-15';
const TO = '2023-09-20';
const PARQUET_GONE = '2023-09-16';
const METRICS_GONE = '2023-09-19';
const range = ['--from', FROM, '--to', TO, '--datasets', 'eco2mix'];

describe.each(['local', 'aws'] as const)('courant verify in %s mode', (mode) => {
  let odre: OdreServer;
  let harness: TestWorkerHarness;
  let env: Record<string, string>;
  const counters = new CourantMetrics({
    datasets: [{ name: 'eco2mix', dueHours: 7 }],
    codeVersion: 'test',
    cacheEnabled: false,
  });

  beforeAll(async () => {
    odre = await startOdreServer({
      'eco2mix-national-tr': syntheticRealtimeExport(FROM, TO),
      'eco2mix-national-cons-def': emptyExport(),
    });
    const aws = mode === 'aws' ? awsTestEnv() : {};
    harness = await startTestWorker(await testConfig({ ...aws, ECO2MIX_BASE_URL: odre.baseUrl }), {
      deps: (deps) => ({ ...deps, metrics: counters }),
    });
    env = {
      ...cliEnv(harness.config),
      ...aws,
      ...(mode === 'aws'
        ? {
            AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? '',
            AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? '',
          }
        : {}),
    };
    const backfill = await runCommandLine(['backfill', ...range, '--id', `verify-${mode}`, '--wait'], env);
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stdout).toMatch(/rows: \d+ read, \d+ written, 0 rejected, over 6 dataset-day\(s\)/);
  });

  afterAll(async () => {
    await harness.close();
    await odre.close();
  });

  it('finds every output of a fresh backfill as written, and says so', async () => {
    const r = await runCommandLine(['verify', ...range], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verified 6 succeeded day\(s\) of 2023-09-15\.\.2023-09-20: 24 output\(s\)/);
    expect(r.stdout).toContain('every output is there as written');
    const record = await harness.resources.deps.records.getDayRun('eco2mix', FROM);
    expect(record?.outputFiles?.map((f) => f.key).sort()).toEqual([...(record?.outputs ?? [])].sort());
    expect(record?.outputFiles?.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
  });

  it('names exactly the day whose Parquet and the day whose metrics were deleted, and exits 1', async () => {
    const objects = harness.resources.deps.objects;
    await objects.delete(storageKeys.processed('eco2mix', PARQUET_GONE, 'eco2mix_national'));
    await objects.delete(storageKeys.metrics('eco2mix', METRICS_GONE));
    const r = await runCommandLine(['verify', ...range], env);
    expect(r.code).toBe(1);
    const problems = r.stdout.split('\n').filter((line) => /^ {2}\d{4}-/.test(line));
    expect(problems).toEqual([
      `  ${PARQUET_GONE}  eco2mix  missing processed/eco2mix/dt=${PARQUET_GONE}/eco2mix_national.parquet`,
      `  ${METRICS_GONE}  eco2mix  missing metrics/eco2mix/dt=${METRICS_GONE}/metrics.json`,
    ]);
    expect(r.stderr).toContain(`courant backfill --from ${PARQUET_GONE} --to ${METRICS_GONE} --mode missing`);
  });

  it('shows those two days, and only them, as outputs missing in status, the console and the API', async () => {
    const status = await runCommandLine(['status', ...range], env);
    const missing = status.stdout.split('\n').filter((line) => line.includes('outputs missing'));
    expect(missing.map((line) => line.slice(0, 10))).toEqual([PARQUET_GONE, METRICS_GONE, '6 days × 1']);
    expect(status.stdout).toContain('4 succeeded, 0 failed');
    expect(status.stdout).toContain('2 with outputs missing');

    const { records, objects } = harness.resources.deps;
    const server = await startConsole({ config: harness.config, records, objects, tokens: null });
    try {
      const api = JSON.parse(
        (await rawGet(server.origin, `/api/v1/days?from=${FROM}&to=${TO}&datasets=eco2mix`)).body,
      ) as { items: Array<{ date: string; status: string }> };
      expect(api.items.filter((c) => c.status === 'outputsMissing').map((c) => c.date)).toEqual([
        PARQUET_GONE,
        METRICS_GONE,
      ]);
      const grid = (await rawGet(server.origin, `/?from=${FROM}&to=${TO}`)).body;
      expect(grid.match(/class="s-outputsMissing" href="[^"]+"/g)?.sort()).toEqual([
        `class="s-outputsMissing" href="/days/${PARQUET_GONE}#eco2mix"`,
        `class="s-outputsMissing" href="/days/${METRICS_GONE}#eco2mix"`,
      ]);
      const day = (await rawGet(server.origin, `/days/${PARQUET_GONE}`)).body;
      expect(day).toContain('outputs missing');
    } finally {
      await server.close();
    }
  });

  it('re-runs exactly those two days with backfill --mode missing, after which verify is clean', async () => {
    const { records } = harness.resources.deps;
    const before = await records.listDayRuns({ from: FROM, to: TO, datasets: ['eco2mix'] });
    const r = await runCommandLine(
      ['backfill', ...range, '--mode', 'missing', '--id', `verify-${mode}-mend`, '--wait'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/planned\s+2/);
    const after = await records.listDayRuns({ from: FROM, to: TO, datasets: ['eco2mix'] });
    const rerun = after.filter((run) => before.find((b) => b.date === run.date)?.runId !== run.runId);
    expect(rerun.map((run) => [run.date, run.status])).toEqual([
      [PARQUET_GONE, 'succeeded'],
      [METRICS_GONE, 'succeeded'],
    ]);
    const verify = await runCommandLine(['verify', ...range], env);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain('every output is there as written');
  });

  it('finds, marks and counts a day wanting in the scheduled verification of the lookback window', async () => {
    await harness.resources.deps.objects.delete(storageKeys.qualityChecks('eco2mix', TO));
    const lookbackDays = Math.ceil((Date.now() - Date.parse(FROM)) / 86_400_000) + 2;
    const workflowId = `verify-scheduled-${mode}`;
    const result = await harness.client.workflow.execute<
      (input: { lookbackDays: number }) => Promise<VerifyOutputsOutput>
    >('verifyOutputsScheduled', { workflowId, taskQueue: harness.config.temporal.taskQueue, args: [{ lookbackDays }] });
    expect(result).toMatchObject({ days: 6, marked: 1, wanting: [{ dataset: 'eco2mix', date: TO, problems: 1 }] });
    expect(await counters.registry.getSingleMetricAsString('courant_outputs_missing_days_total')).toContain(
      'courant_outputs_missing_days_total{dataset="eco2mix"} 1',
    );
    const record = await harness.resources.deps.records.getDayRun('eco2mix', TO);
    expect(record?.error?.type).toBe('OutputsMissing');
    if (mode === 'local' && process.env.RECORD_HISTORIES === '1') {
      const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
      await writeFile('test/replay/histories/verify-outputs-scheduled.json', historyToJSON(history));
    }
  });
});
