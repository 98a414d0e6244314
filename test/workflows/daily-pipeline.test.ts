/**
 * dailyPipeline on the real Temporal dev server with the real worker, activities, local storage
 * and document store; the ODRÉ export endpoint is played by a loopback server from real samples.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import {
  Dataset,
  PartitionDate,
  PipelineStageAttribute,
  RunKindAttribute,
} from '../../src/workflow-safe/search-attributes.js';
import { loadFullSampleDay, loadSampleDay } from '../support/eco2mix-fixtures.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const TR = 'eco2mix-national-tr';
const CONS = 'eco2mix-national-cons-def';
const sample = loadSampleDay();
const winter = loadFullSampleDay();

/** Two exports of the same header joined into one file, as the portal would serve both days. */
function joinExports(first: string, second: string): string {
  return `${first.replace(/\r?\n$/, '')}\r\n${second.split(/\r?\n/).slice(1).join('\r\n')}`;
}

let odre: OdreServer;
let harness: TestWorkerHarness;

const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function runDay(date: string) {
  const handle = await startDay(harness.client, {
    date,
    runKind: 'manual',
    taskQueue: harness.config.temporal.taskQueue,
  });
  return { handle, result: await handle.result() };
}

beforeAll(async () => {
  odre = await startOdreServer({
    [TR]: joinExports(sample.realtimeCsv, winter.realtimeCsv),
    [CONS]: sample.consolidatedCsv,
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

describe('dailyPipeline on the real dev server', () => {
  it('runs 2025-08-22 end to end: raw, Parquet, metrics, report and records', async () => {
    const { handle, result } = await runDay(sample.date);

    expect(result.datasets).toHaveLength(1);
    expect(result.datasets[0]?.rows).toEqual({ read: 176, written: 88, rejected: 0 });

    // The day was asked for with the UTC bounds of the Paris day.
    const where = odre.requests.filter((r) => r.datasetId === TR).map((r) => r.where);
    expect(where).toContain("date_heure >= '2025-08-21T22:00:00Z' AND date_heure < '2025-08-22T22:00:00Z'");

    // Raw bytes are kept as downloaded, with their metadata.
    const raw = await readFile(dataPath('raw/eco2mix/dt=2025-08-22/realtime.csv'));
    const meta = JSON.parse(
      await readFile(dataPath('raw/eco2mix/dt=2025-08-22/realtime.csv.meta.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(meta).toMatchObject({ bytes: raw.byteLength, sha256: sha256(raw) });
    expect(String(meta.contentType)).toContain('text/csv');
    expect(String(meta.url)).toContain(`${odre.baseUrl}/api/explore/v2.1/catalog/datasets/${TR}/exports/csv?`);

    // An independent reader sees the clean rows, consolidated winning on :00 and :30.
    const parquet = dataPath('processed/eco2mix/dt=2025-08-22/eco2mix_national.parquet');
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(parquet), compressors });
    expect(rows).toHaveLength(88);
    const at = (iso: string) => rows.find((r) => new Date(r.instant as Date).toISOString() === iso);
    expect(at('2025-08-22T02:00:00.000Z')).toMatchObject({ source: 'consolidated' });
    expect(at('2025-08-22T02:15:00.000Z')).toMatchObject({ source: 'realtime' });
    expect(rows.every((r) => new Date(r.instant as Date) >= new Date('2025-08-21T22:00:00Z'))).toBe(true);

    const metrics = JSON.parse(await readFile(dataPath('metrics/eco2mix/dt=2025-08-22/metrics.json'), 'utf8')) as {
      source: string;
      points: number;
      expectedPoints: number;
      completeness: number;
      stepMinutes: number;
      consumption: { energyMWh: number; peakMW: number; peakAt: string; minMW: number; minAt: string };
    };
    const e = sample.expectedMerged;
    expect(metrics).toMatchObject({
      source: e.source,
      points: e.points,
      expectedPoints: e.expectedPoints,
      stepMinutes: e.stepMinutes,
    });
    expect(metrics.completeness).toBeCloseTo(e.completeness, 12);
    expect(metrics.consumption.energyMWh).toBeCloseTo(e.energyMWh, 6);
    expect(metrics.consumption).toMatchObject({ peakMW: e.peakMW, peakAt: e.peakAt, minMW: e.minMW, minAt: e.minAt });

    const report = JSON.parse(await readFile(dataPath('reports/dt=2025-08-22/daily_report.json'), 'utf8')) as {
      datasets: Array<{ dataset: string; status: string }>;
    };
    expect(report.datasets).toMatchObject([{ dataset: 'eco2mix', status: 'succeeded' }]);
    expect(await readFile(dataPath('reports/dt=2025-08-22/daily_report.csv'), 'utf8')).toContain(
      '2025-08-22,eco2mix,succeeded,metrics.consumption.energyMWh,901894.25',
    );

    const dayRun = await harness.resources.deps.records.getDayRun('eco2mix', sample.date);
    expect(dayRun).toMatchObject({
      status: 'succeeded',
      stage: 'done',
      attempt: 1,
      runKind: 'manual',
      workflowId: 'day/eco2mix/2025-08-22',
    });
    expect(dayRun?.inputs.map((i) => i.sha256)).toContain(sha256(raw));
    expect((await harness.resources.deps.records.getMetrics('eco2mix', sample.date))?.metrics).toMatchObject({
      points: 88,
    });

    // Operators can find the day by its attributes.
    // The last stage is read as the server answers once it has recorded it: polled, not slept for.
    const childHandle = harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', sample.date));
    const stageOf = async (h: { describe(): ReturnType<typeof handle.describe> }) =>
      (await h.describe()).typedSearchAttributes.get(PipelineStageAttribute);
    await expect.poll(() => stageOf(handle)).toBe('done');
    await expect.poll(() => stageOf(childHandle)).toBe('done');
    const parent = await handle.describe();
    expect(parent.typedSearchAttributes.get(PartitionDate)?.toISOString()).toBe('2025-08-22T00:00:00.000Z');
    expect(parent.typedSearchAttributes.get(RunKindAttribute)).toBe('manual');
    const child = await childHandle.describe();
    expect(child.typedSearchAttributes.get(Dataset)).toBe('eco2mix');

    if (process.env.RECORD_HISTORIES === '1') {
      const history = await handle.fetchHistory();
      await writeFile('test/replay/histories/daily-pipeline-succeeded.json', historyToJSON(history));
      const childHistory = await harness.client.workflow
        .getHandle(workflowIds.datasetDay('eco2mix', sample.date))
        .fetchHistory();
      await writeFile('test/replay/histories/dataset-day-downloads.json', historyToJSON(childHistory));
    }
  });

  it('re-running the day gives identical outputs, one record per key, and no second download', async () => {
    const keys = [
      'processed/eco2mix/dt=2025-08-22/eco2mix_national.parquet',
      'metrics/eco2mix/dt=2025-08-22/metrics.json',
      'reports/dt=2025-08-22/daily_report.json',
      'reports/dt=2025-08-22/daily_report.csv',
      'quarantine/eco2mix/dt=2025-08-22/eco2mix_national.rejects.jsonl',
    ];
    const before = await Promise.all(keys.map(async (k) => sha256(await readFile(dataPath(k)))));
    const requestsBefore = odre.requests.length;

    await runDay(sample.date);

    expect(await Promise.all(keys.map(async (k) => sha256(await readFile(dataPath(k)))))).toEqual(before);
    expect(odre.requests.length).toBe(requestsBefore);
    const client = await MongoClient.connect(harness.config.storage.mongodbUrl);
    try {
      const db = client.db();
      expect(await db.collection('day_runs').countDocuments({ dataset: 'eco2mix', date: sample.date })).toBe(1);
      expect(await db.collection('metrics').countDocuments({ dataset: 'eco2mix', date: sample.date })).toBe(1);
      expect(await db.collection('reports').countDocuments({ period: sample.date })).toBe(1);
    } finally {
      await client.close();
    }
    expect((await harness.resources.deps.records.getDayRun('eco2mix', sample.date))?.attempt).toBe(2);
  });

  it('retries a source that answers 503 twice, then succeeds with the full winter day', async () => {
    odre.failNext(TR, [
      { status: 503, body: 'busy' },
      { status: 503, body: 'busy' },
    ]);
    const { result } = await runDay(winter.date);
    const trRequests = odre.requests.filter((r) => r.datasetId === TR && r.where?.includes('2021-12-1'));
    expect(trRequests).toHaveLength(3);
    expect(result.datasets[0]?.completeness).toBe(1);
    const metrics = JSON.parse(await readFile(dataPath('metrics/eco2mix/dt=2021-12-15/metrics.json'), 'utf8')) as {
      source: string;
      points: number;
      consumption: { energyMWh: number; peakMW: number; peakAt: string };
    };
    expect(metrics).toMatchObject({ source: 'realtime', points: 96 });
    expect(metrics.consumption.energyMWh).toBeCloseTo(winter.expectedRealtime.energyMWh, 6);
    expect(metrics.consumption.peakAt).toBe(winter.expectedRealtime.peakAt);
  });

  it('fails the day without retrying when the source answers an HTML page, saying so and keeping the body', async () => {
    odre.failNext(TR, [
      { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><html><body>Maintenance</body></html>' },
    ]);
    const error = await runDay('2024-01-10').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const message = String((error as WorkflowFailedError).cause?.message);
    expect(message).toMatch(/eco2mix.*failed/);
    expect(message).toMatch(/HTML/i);

    const child: unknown = await harness.client.workflow
      .getHandle(workflowIds.datasetDay('eco2mix', '2024-01-10'))
      .result()
      .catch((e: unknown) => e);
    const childMessage = String((child as WorkflowFailedError).cause?.message);
    expect(childMessage).toMatch(/^eco2mix 2024-01-10 failed at download \[BadData\]: .*HTML/);
    expect(childMessage).toContain('courant run --date 2024-01-10');
    expect(odre.requests.filter((r) => r.datasetId === TR && r.where?.includes("'2024-01-09T23:00:00Z'"))).toHaveLength(
      1,
    );

    const dayRun = await harness.resources.deps.records.getDayRun('eco2mix', '2024-01-10');
    expect(dayRun).toMatchObject({ status: 'failed', stage: 'download', error: { type: 'BadData' } });
    expect(await readFile(dataPath('quarantine/eco2mix/dt=2024-01-10/realtime.refused'), 'utf8')).toContain(
      'Maintenance',
    );
    const report = JSON.parse(await readFile(dataPath('reports/dt=2024-01-10/daily_report.json'), 'utf8')) as {
      datasets: Array<{ status: string; error: string }>;
    };
    expect(report.datasets[0]).toMatchObject({ status: 'failed' });
  });

  it('fails the day naming the missing column when the header is wrong', async () => {
    odre.failNext(TR, [
      { status: 200, contentType: 'text/csv', body: '\uFEFFdate_heure;conso\r\n2024-01-11T00:00:00+00:00;1\r\n' },
    ]);
    const error = await runDay('2024-01-11').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const dayRun = await harness.resources.deps.records.getDayRun('eco2mix', '2024-01-11');
    expect(dayRun?.error?.type).toBe('BadData');
    expect(dayRun?.error?.message).toMatch(/line 1, column consommation/);
  });

  it('fails the day when the source has no rows inside it, with the counts of what was read', async () => {
    // The 2021-12-15 rows served for 2021-12-14 all fall outside the Paris day.
    odre.failNext(TR, [{ status: 200, contentType: 'text/csv', body: winter.realtimeCsv }]);
    const error = await runDay('2021-12-14').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const dayRun = await harness.resources.deps.records.getDayRun('eco2mix', '2021-12-14');
    expect(dayRun).toMatchObject({ status: 'failed', stage: 'transform', error: { type: 'BadData' } });
    expect(dayRun?.error?.message).toMatch(/no usable rows for 2021-12-14 \(96 read, 0 rejected\)/);
  });

  it('keeps the good rows of a file with bad ones, quarantines the rest with line and reason, and reports completeness', async () => {
    const day = '2021-12-16';
    const { start, end } = parisDayBounds(day);
    const december = (await loadDemoExports())[TR] ?? '';
    const [header = '', ...rows] = december.replace(/\r\n$/, '').split('\r\n');
    const columns = header.replace('\uFEFF', '').split(';');
    const instant = columns.indexOf('date_heure');
    const consumption = columns.indexOf('consommation');
    const inDay = rows.filter((line) => {
      const at = new Date(line.split(';')[instant] ?? '');
      return at >= start && at < end;
    });
    expect(inDay).toHaveLength(96);
    const damaged = inDay.map((line, i) => {
      const cells = line.split(';');
      if (i === 10) cells[consumption] = 'abc';
      if (i === 20) cells[instant] = 'not-a-time';
      return cells.join(';');
    });
    odre.failNext(TR, [{ status: 200, contentType: 'text/csv', body: `${[header, ...damaged].join('\r\n')}\r\n` }]);

    const { result } = await runDay(day);

    expect(result.datasets[0]?.rows).toEqual({ read: 96, written: 94, rejected: 2 });
    expect(result.datasets[0]?.completeness).toBeCloseTo(94 / 96, 12);
    const rejects = (await readFile(dataPath(`quarantine/eco2mix/dt=${day}/eco2mix_national.rejects.jsonl`), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rejects).toEqual([
      expect.objectContaining({
        file: 'raw/eco2mix/dt=2021-12-16/realtime.csv',
        line: 12,
        column: 'consommation',
        value: 'abc',
      }),
      expect.objectContaining({
        file: 'raw/eco2mix/dt=2021-12-16/realtime.csv',
        line: 22,
        column: 'date_heure',
        value: 'not-a-time',
      }),
    ]);
    expect(await harness.resources.deps.records.getDayRun('eco2mix', day)).toMatchObject({
      status: 'succeeded',
      rows: { read: 96, written: 94, rejected: 2 },
    });
  });
});
