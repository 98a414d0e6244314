/**
 * The dataset module contract end to end on the real dev server: a throw-away module that lives
 * only in the test suite (test/support/toy-dataset) is added to a worker's catalog, and its days
 * run — from a source fetched over HTTP, from files dropped in its inbox, and from the inbox scan —
 * with nothing else of courant changed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { startIngest } from '../../src/client/start-ingest.js';
import { createCatalog } from '../../src/datasets/catalog.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { sqlString } from '../../src/duckdb/columns.js';
import type { InboxScanOutput } from '../../src/workflow-safe/ingest.js';
import { inboxKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { toy } from '../support/toy-dataset/module.js';
import { toyDrop } from '../support/toy-drop-dataset/module.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

/** 2024-03-31 is a 23-hour Paris day: it starts at 2024-03-30T23:00Z and ends at 2024-03-31T22:00Z. */
const SOURCE =
  'ts,value\n2024-03-30T22:30:00Z,100\n2024-03-30T23:00:00Z,1\n2024-03-31T12:00:00Z,2\n2024-03-31T21:59:00Z,3\n';

let server: Server;
/** The toy source's answer for HELD_DAY waits until the test releases it: a run of that day stays in flight. */
const HELD_DAY = '2024-07-14';
let releaseHeldDay: () => void = () => undefined;
const heldDay = new Promise<void>((resolve) => (releaseHeldDay = resolve));
let harness: TestWorkerHarness;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);
const json = async (key: string) => JSON.parse(await readFile(dataPath(key), 'utf8')) as Record<string, unknown>;

async function valuesOf(dataset: string, date: string): Promise<Array<[string, number]>> {
  const connection = await harness.resources.deps.duckdb.connect();
  try {
    const file = dataPath(`processed/${dataset}/dt=${date}/toy_values.parquet`);
    const rows = await connection.runAndReadAll(
      `SELECT strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M'), value FROM read_parquet(${sqlString(file)}) ORDER BY ts`,
    );
    return rows.getRows().map((r) => [String(r[0]), Number(r[1])]);
  } finally {
    connection.closeSync();
  }
}

/** With RECORD_HISTORIES=1, keeps the run's history for the replay tests (test/replay/histories/). */
async function recordHistory(workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
  await writeFile(`test/replay/histories/${name}.json`, historyToJSON(history));
}

async function drop(name: string, body: string): Promise<{ inboxKey: string }> {
  const { createHash } = await import('node:crypto');
  const sha = createHash('sha256').update(body).digest('hex');
  const inboxKey = inboxKeys.file('toydrop', sha, name);
  await harness.resources.deps.objects.put(inboxKey, body);
  return { inboxKey };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/values/2024-03-31.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(SOURCE);
    else if (req.url === `/values/${HELD_DAY}.csv`)
      void heldDay.then(() =>
        res.writeHead(200, { 'content-type': 'text/csv' }).end('ts,value\n2024-07-14T10:00:00Z,1\n'),
      );
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = await testConfig();
  harness = await startTestWorker(config, {
    deps: (deps) => ({
      ...deps,
      datasets: createCatalog([...DATASET_MODULES, toy, toyDrop], {
        ...config.datasets,
        toy: { baseUrl },
        toydrop: { baseUrl },
      }),
    }),
  });
});

afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('a dataset module added in the test suite alone', () => {
  it('runs its day from its HTTP source: raw file, Parquet of the 23-hour day, metrics, records, report', async () => {
    const handle = await startDay(harness.client, {
      date: '2024-03-31',
      datasets: ['toy'],
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    const result = await handle.result();
    expect(result.datasets[0]?.rows).toEqual({ read: 4, written: 3, rejected: 0 });
    expect(await readFile(dataPath('raw/toy/dt=2024-03-31/values.csv'), 'utf8')).toBe(SOURCE);
    expect(await valuesOf('toy', '2024-03-31')).toEqual([
      ['2024-03-30T23:00', 1],
      ['2024-03-31T12:00', 2],
      ['2024-03-31T21:59', 3],
    ]);
    expect(await json('metrics/toy/dt=2024-03-31/metrics.json')).toMatchObject({ dataset: 'toy', values: 3, total: 6 });
    const run = await harness.resources.deps.records.getDayRun('toy', '2024-03-31');
    expect(run).toMatchObject({
      status: 'succeeded',
      inputs: [{ source: 'values', key: 'raw/toy/dt=2024-03-31/values.csv' }],
    });
    const report = await json('reports/dt=2024-03-31/daily_report.json');
    expect(JSON.stringify(report)).toContain('"toy"');
  });

  it('claims a dropped file into each Paris day it covers, runs them, and empties the inbox', async () => {
    const body = 'ts,value\n2024-10-26T21:00:00Z,5\n2024-10-27T12:00:00Z,6\n2024-10-27T22:59:00Z,7\n';
    const { inboxKey } = await drop('values.csv', body);
    const handle = await startIngest(
      harness.client,
      { dataset: 'toydrop', inboxKey },
      harness.config.temporal.taskQueue,
    );
    const result = await handle.result();
    // 2024-10-27 (25 hours) ends at 2024-10-27T23:00Z: 22:59 belongs to it, 21:00 on the 26th to the 26th (Paris 23:00).
    expect(result.days).toEqual(['2024-10-26', '2024-10-27']);
    expect(result.ran).toEqual(['2024-10-26', '2024-10-27']);
    expect(result.released).toBe(true);
    await recordHistory(handle.workflowId, 'ingest-drop');
    await recordHistory(workflowIds.dayIngestion('toydrop', '2024-10-27'), 'day-ingestion');
    await recordHistory(workflowIds.daily('2024-10-27'), 'daily-pipeline-given-datasets');
    await recordHistory(workflowIds.datasetDay('toydrop', '2024-10-27'), 'dataset-day-stored-files');
    expect(await harness.resources.deps.objects.head(inboxKey)).toBeNull();
    expect(await valuesOf('toydrop', '2024-10-27')).toEqual([
      ['2024-10-27T12:00', 6],
      ['2024-10-27T22:59', 7],
    ]);
    // The bytes are stored once; each day the file covers names them in its claim's meta.
    const content = `raw/toydrop/drops/${result.sha256}.csv`;
    expect(await readFile(dataPath(content), 'utf8')).toBe(body);
    expect((await harness.resources.deps.objects.list('raw/toydrop/drops')).map((o) => o.key)).toEqual([content]);
    for (const day of ['2024-10-26', '2024-10-27'])
      expect(await json(`raw/toydrop/dt=${day}/drop-${result.sha256.slice(0, 32)}.csv.meta.json`)).toMatchObject({
        file: inboxKey,
        sha256: result.sha256,
        bytes: Buffer.byteLength(body),
        content,
      });
    const claimed = (await harness.resources.deps.objects.list('raw/toydrop/dt=2024-10-27')).map((o) => o.key);
    expect(claimed).toEqual([`raw/toydrop/dt=2024-10-27/drop-${result.sha256.slice(0, 32)}.csv.meta.json`]);

    // The same bytes dropped again change nothing and run nothing.
    const again = await drop('values.csv', body);
    const second = await (
      await startIngest(
        harness.client,
        { dataset: 'toydrop', inboxKey: again.inboxKey },
        harness.config.temporal.taskQueue,
      )
    ).result();
    expect(second.ran).toEqual([]);
    expect((await harness.resources.deps.objects.list('raw/toydrop/dt=2024-10-27')).map((o) => o.key)).toEqual(claimed);

    // A corrected file for one instant re-runs exactly the day it touches, and wins.
    const corrected = await drop('correction.csv', 'ts,value\n2024-10-27T12:00:00Z,60\n');
    const third = await (
      await startIngest(
        harness.client,
        { dataset: 'toydrop', inboxKey: corrected.inboxKey },
        harness.config.temporal.taskQueue,
      )
    ).result();
    expect(third.ran).toEqual(['2024-10-27']);
    expect(await valuesOf('toydrop', '2024-10-27')).toEqual([
      ['2024-10-27T12:00', 60],
      ['2024-10-27T22:59', 7],
    ]);
  });

  it('runs a day from a claim made before the bytes were stored once (the bytes beside its meta)', async () => {
    const body = 'ts,value\n2024-05-02T08:00:00Z,4\n';
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(body).digest('hex');
    const key = `raw/toydrop/dt=2024-05-02/drop-${sha.slice(0, 32)}.csv`;
    await harness.resources.deps.objects.put(key, body);
    const meta = { file: 'inbox/toydrop/old.csv', claimedAt: '2024-05-03T00:00:00Z', bytes: body.length, sha256: sha };
    await harness.resources.deps.objects.put(`${key}.meta.json`, JSON.stringify(meta));
    const handle = await startDay(harness.client, {
      date: '2024-05-02',
      runKind: 'manual',
      datasets: ['toydrop'],
      taskQueue: harness.config.temporal.taskQueue,
    });
    await handle.result();
    expect(await valuesOf('toydrop', '2024-05-02')).toEqual([['2024-05-02T08:00', 4]]);
  });

  it('quarantines a dropped file of unknown shape with its reason and runs no day', async () => {
    const { inboxKey } = await drop('bad.csv', 'when,howmuch\n2024-01-01T00:00:00Z,1\n');
    const handle = await startIngest(
      harness.client,
      { dataset: 'toydrop', inboxKey },
      harness.config.temporal.taskQueue,
    );
    await expect(handle.result()).rejects.toMatchObject({
      cause: {
        message: expect.stringMatching(
          /could not be claimed \[BadData\]: .*line 1: expected the header ts,value/,
        ) as unknown,
      },
    });
    expect(await harness.resources.deps.objects.head(inboxKey)).toBeNull();
    const reason = await json(`${inboxKeys.quarantined('toydrop', path.posix.basename(inboxKey))}.reason.json`);
    expect(reason).toMatchObject({
      file: inboxKey,
      reason: expect.stringMatching(/line 1: expected the header/) as unknown,
    });
    expect(await harness.resources.deps.records.getDayRun('toydrop', '2024-01-01')).toBeNull();
  });

  // Its day is no other test file's: `daily/{date}` is one workflow ID on the shared dev server.
  it('the inbox scan starts one ingestion per waiting file, and none for a file already ingested', async () => {
    const { inboxKey } = await drop('scan.csv', 'ts,value\n2023-04-12T10:00:00Z,9\n');
    const scanId = `scan-${Date.now()}`;
    const scan = await harness.client.workflow.execute<() => Promise<InboxScanOutput>>('inboxScan', {
      workflowId: scanId,
      taskQueue: harness.config.temporal.taskQueue,
      args: [],
    });
    expect(scan).toMatchObject({ started: [expect.stringContaining(inboxKey) as unknown] });
    const [started] = scan.started;
    await recordHistory(scanId, 'inbox-scan');
    await harness.client.workflow.getHandle(started ?? '').result();
    expect(await valuesOf('toydrop', '2023-04-12')).toEqual([['2023-04-12T10:00', 9]]);
    const rescan = await harness.client.workflow.execute<() => Promise<InboxScanOutput>>('inboxScan', {
      workflowId: `scan-${Date.now()}-again`,
      taskQueue: harness.config.temporal.taskQueue,
      args: [],
    });
    expect(rescan).toEqual({ started: [], skipped: 0 });
  });
  it('runs a day again for a dropped file when a run of that day was in flight before its claim', async () => {
    const inFlight = await startDay(harness.client, {
      date: HELD_DAY,
      datasets: ['toy'],
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    const { inboxKey } = await drop('held.csv', 'ts,value\n2024-07-14T12:00:00Z,42\n');
    const ingest = await startIngest(
      harness.client,
      { dataset: 'toydrop', inboxKey },
      harness.config.temporal.taskQueue,
    );
    // The day's runs for its files find the day in flight (toy only, started before the claim) and
    // wait for it in the workflow, looking at it between timers: no activity slot held meanwhile.
    const dayIngestion = harness.client.workflow.getHandle(workflowIds.dayIngestion('toydrop', HELD_DAY));
    const attached = async () => {
      const history = await dayIngestion.fetchHistory().catch(() => ({ events: [] }));
      return (history.events ?? []).some((e) => e.timerStartedEventAttributes);
    };
    while (!(await attached())) await new Promise((resolve) => setTimeout(resolve, 100));
    releaseHeldDay();
    expect((await inFlight.result()).datasets.map((d) => d.dataset)).toEqual(['toy']);
    const result = await ingest.result();
    expect(result.ran).toEqual([HELD_DAY]);
    expect(result.released).toBe(true);
    expect(await valuesOf('toydrop', HELD_DAY)).toEqual([['2024-07-14T12:00', 42]]);
    expect(await harness.resources.deps.records.getDayRun('toydrop', HELD_DAY)).toMatchObject({ status: 'succeeded' });
    // At least one look found the run open, and the last found it ended.
    const looks = ((await dayIngestion.fetchHistory()).events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'dayRunOpen',
    );
    expect(looks.length).toBeGreaterThanOrEqual(2);
    await recordHistory(dayIngestion.workflowId, 'day-ingestion-after-run-in-flight');
  });
});
