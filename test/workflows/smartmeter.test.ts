/**
 * Smart meters end to end on the real dev server, the document store, MinIO and DynamoDB Local:
 * the last month of the real Kaggle sample ingested with the `courant ingest` command (its anomalies
 * detected, kept and reported), a file dropped in the inbox
 * and picked up by the inbox schedule, and the same file in local and aws mode.
 * The aws-mode comparison runs on workers and stores of its own, side by side with the ingestion's
 * tests (which run one after another, each on what the one before stored).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { inboxScanSchedule } from '../../src/schedules/inbox-scan-schedule.js';
import { applySchedule } from '../../src/schedules/operations.js';
import { dayAnomaliesSchema } from '../../src/datasets/smartmeter/day-metrics.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { inboxKeys, storageKeys } from '../../src/workflow-safe/keys.js';
import { datesInRange, parisDayBounds } from '../../src/workflow-safe/partition.js';
import { readUntil } from '../support/deadlines.js';
import { runCommandLine } from '../support/run-cli.js';
import { uniqueName } from '../support/names.js';
import { awsTestEnv, cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const KAGGLE = path.join('test', 'fixtures', 'smartmeter', 'jaslemkaril_kaggle_ziya07_smart_meter_data.csv');

/**
 * The sample's last 31 Paris days, its rows from FIRST_DAY's midnight UTC on (as the whole file
 * starts at one): the first day lacks its first Paris hour and the last day ends early, as in the
 * whole file; the change to summer time (2024-03-31) is among them, and the last day has its 28 days
 * of history. All 105 days are checked by the unit tests (quality-calibration, each day;
 * smartmeter-anomalies, the whole series scored); here the days go through the workflows.
 */
const FIRST_DAY = '2024-03-15';
const LAST_DAY = '2024-04-14';
const DAYS = datesInRange(FIRST_DAY, LAST_DAY).length;

/** The header and the rows of the Kaggle sample from FIRST_DAY 00:00 UTC on. */
async function lastMonthOfSample(): Promise<string> {
  const [header = '', ...rows] = (await readFile(KAGGLE, 'utf8')).trim().split('\n');
  return [header, ...rows.filter((row) => row >= FIRST_DAY)].join('\n') + '\n';
}

let harness: TestWorkerHarness;
let dir: string;

/** The rows of a stored Parquet object, read with DuckDB. */
async function parquetRows(key: string): Promise<Array<Record<string, unknown>>> {
  const local = path.join(dir, path.posix.basename(key));
  await harness.resources.deps.objects.getToFile(key, local);
  const db = await harness.resources.deps.duckdb.connect();
  try {
    return (await db.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(local)})`)).getRowObjectsJson();
  } finally {
    db.closeSync();
  }
}

/** The readings per Paris day of the sample's rows, computed here from the CSV (naive UTC instants). */
function expectedDays(csv: string): Map<string, { readings: number; energy: number }> {
  const rows = csv.trim().split('\n').slice(1);
  const days = new Map<string, { readings: number; energy: number }>();
  const instants = rows.map((row) => {
    const [ts = '', kwh = ''] = row.split(',');
    return { at: Date.parse(`${ts.replace(' ', 'T')}Z`), kwh: Number(kwh) };
  });
  for (const date of datesInRange(FIRST_DAY, LAST_DAY)) {
    const { start, end } = parisDayBounds(date);
    const of = instants.filter((r) => r.at >= start.getTime() && r.at < end.getTime());
    days.set(date, { readings: of.length, energy: of.reduce((s, r) => s + r.kwh, 0) });
  }
  return days;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-smartmeter-wf-'));
  harness = await startTestWorker(await testConfig());
});

afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('courant ingest --dataset smartmeter', () => {
  it.sequential(
    'refuses a meter id with characters outside [A-Za-z0-9._-] before storing anything (exit 2)',
    async ({ expect }) => {
      const r = await runCommandLine(
        ['ingest', '--dataset', 'smartmeter', '--file', KAGGLE, '--meter-id', 'meter/1'],
        cliEnv(harness.config),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--meter-id: .*letters, digits/);
      expect(await harness.resources.deps.objects.list(inboxKeys.folder('smartmeter'))).toEqual([]);
    },
  );

  it.sequential(
    'runs the last 31 Paris days of the real Kaggle sample; every day matches an independent computation',
    async ({ expect }) => {
      const file = path.join(dir, 'kaggle-sample.csv');
      const csv = await lastMonthOfSample();
      await writeFile(file, csv);
      const r = await runCommandLine(
        ['ingest', '--dataset', 'smartmeter', '--file', file, '--meter-id', 'kaggle-1', '--wait'],
        cliEnv(harness.config),
      );
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(
        `kaggle-sample.csv: ${DAYS} day(s) (${FIRST_DAY}..${LAST_DAY}), ${DAYS} run, all succeeded`,
      );
      expect(await harness.resources.deps.objects.list(inboxKeys.folder('smartmeter'))).toEqual([]);

      const runs = await harness.resources.deps.records.listDayRuns({
        from: '2024-01-01',
        to: LAST_DAY,
        datasets: ['smartmeter'],
      });
      expect(runs).toHaveLength(DAYS);
      expect(runs.every((run) => run.status === 'succeeded' && run.runKind === 'ingest')).toBe(true);

      const expected = expectedDays(csv);
      expect(expected.get(FIRST_DAY)?.readings).toBe(46);
      for (const [date, day] of expected) {
        const metrics = (await harness.resources.deps.records.getMetrics('smartmeter', date))?.metrics;
        expect(metrics, date).toMatchObject({ dataset: 'smartmeter', date, meters: 1, readings: day.readings });
        expect(Number(metrics?.energyKWh), date).toBeCloseTo(day.energy, 5);
      }
      expect((await harness.resources.deps.records.getMetrics('smartmeter', '2024-03-31'))?.metrics).toMatchObject({
        expectedReadings: 46,
        completeness: 1,
      });

      // Every day's readings scored against the days stored before it, its anomalies kept and counted.
      const outputsOf = new Map(runs.map((run) => [run.date, run.outputs]));
      let anomalies = 0;
      for (const date of expected.keys()) {
        const metrics = (await harness.resources.deps.records.getMetrics('smartmeter', date))?.metrics;
        const day = dayAnomaliesSchema.parse(metrics?.anomalies);
        expect(day.scored, date).toBe(expected.get(date)?.readings);
        expect(outputsOf.get(date), date).toContain(storageKeys.anomalies('smartmeter', date));
        anomalies += day.count;
      }
      expect(anomalies).toBeGreaterThan(0);

      // Re-run once every day is stored, the last day is judged against its full 28 days, and its
      // report lists its strongest anomalies with a chart of the meter's day.
      const rerun = await runCommandLine(
        ['run', '--date', LAST_DAY, '--datasets', 'smartmeter', '--wait'],
        cliEnv(harness.config),
      );
      expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(0);
      const last = dayAnomaliesSchema.parse(
        (await harness.resources.deps.records.getMetrics('smartmeter', LAST_DAY))?.metrics?.anomalies,
      );
      expect(last.historyDays).toBe(28);
      const stored = await parquetRows(storageKeys.anomalies('smartmeter', LAST_DAY));
      expect(stored).toHaveLength(last.count);
      expect(stored.every((row) => row.meter_id === 'kaggle-1' && typeof row.reason === 'string')).toBe(true);
      expect(last.strongest[0]?.score).toBe(Math.max(...stored.map((row) => Number(row.score))));
      const report = JSON.parse(
        new TextDecoder().decode(await harness.resources.deps.objects.get(storageKeys.dailyReport(LAST_DAY, 'json'))),
      ) as {
        datasets: Array<{ dataset: string; section: { figures: Array<{ key: string; value: unknown }> } | null }>;
      };
      const figures = report.datasets.find((d) => d.dataset === 'smartmeter')?.section?.figures ?? [];
      expect(figures.find((f) => f.key === 'anomalies')?.value).toBe(last.count);
      const html = new TextDecoder().decode(
        await harness.resources.deps.objects.get(storageKeys.dailyReport(LAST_DAY, 'html')),
      );
      expect(html).toContain('Strongest anomalies');
      expect(html).toContain('data-chart="smartmeter-anomalies-kaggle-1"');
      expect(html).toMatch(/<g class="points" [^>]*data-series="anomaly" data-points="[1-9]\d*"><circle /);

      // The same bytes again change nothing and run nothing.
      const again = await runCommandLine(
        ['ingest', '--dataset', 'smartmeter', '--file', file, '--meter-id', 'kaggle-1', '--wait'],
        cliEnv(harness.config),
      );
      expect(again.stdout).toContain(`${DAYS} day(s) (${FIRST_DAY}..${LAST_DAY}), 0 run`);
    },
  );

  it.sequential('the inbox schedule picks up a file another system dropped in the inbox', async ({ expect }) => {
    const body = 'meter_id,timestamp,kwh\nscan-1,2024-06-01T10:00:00Z,0.5\nscan-1,2024-06-01T10:30:00Z,0.25\n';
    const sha = createHash('sha256').update(body).digest('hex');
    await harness.resources.deps.objects.put(inboxKeys.file('smartmeter', sha, 'from-elsewhere.csv'), body);
    const definition = inboxScanSchedule({
      scheduleId: uniqueName('inbox-scan'),
      everyMinutes: 60,
      taskQueue: harness.config.temporal.taskQueue,
    });
    await applySchedule(harness.client, definition);
    const schedule = harness.client.schedule.getHandle(definition.scheduleId);
    try {
      await schedule.trigger();
      const metrics = await readUntil(
        async () => (await harness.resources.deps.records.getMetrics('smartmeter', '2024-06-01'))?.metrics,
        (found) => found !== undefined,
        500,
      );
      expect(metrics).toMatchObject({ meters: 1, readings: 2, energyKWh: 0.75 });
    } finally {
      await schedule.delete();
    }
  });
});

describe.concurrent('smart meters in aws mode', () => {
  it('produce the same outputs as in local mode', async ({ expect }) => {
    const body =
      'meter_id,timestamp,kwh\nm1,2024-02-10T10:00:00Z,1.5\nm2,2024-02-10T10:00:00Z,2\nm1,2024-02-11T08:30:00Z,3\n';
    const file = path.join(dir, 'two-days.csv');
    await writeFile(file, body);
    const outputs = async (config: TestWorkerHarness['config'], env: Record<string, string>) => {
      const worker = await startTestWorker(config);
      try {
        const r = await runCommandLine(['ingest', '--dataset', 'smartmeter', '--file', file, '--wait'], {
          ...cliEnv(config),
          ...env,
        });
        expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
        const keys = [
          'processed/smartmeter/dt=2024-02-10/readings.parquet',
          'processed/smartmeter/dt=2024-02-10/meter_daily.parquet',
          'metrics/smartmeter/dt=2024-02-11/metrics.json',
        ];
        const objects = Object.fromEntries(
          await Promise.all(
            keys.map(
              async (key) =>
                [
                  key,
                  createHash('sha256')
                    .update(await worker.resources.deps.objects.get(key))
                    .digest('hex'),
                ] as const,
            ),
          ),
        );
        return {
          objects,
          metrics: (await worker.resources.deps.records.getMetrics('smartmeter', '2024-02-10'))?.metrics,
        };
      } finally {
        await worker.close();
      }
    };
    const awsEnv = awsTestEnv();
    const credentials = {
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? '',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? '',
    };
    // One after the other: both deployments ingest the same bytes, and an ingestion's workflow is
    // named by its inbox key alone, so side by side the second would join the first's.
    const local = await outputs(await testConfig(), {});
    const aws = await outputs(await testConfig(awsEnv), { ...awsEnv, ...credentials });
    expect(local.metrics).toMatchObject({ meters: 2, readings: 2, energyKWh: 3.5 });
    expect(aws).toEqual(local);
  });
});
