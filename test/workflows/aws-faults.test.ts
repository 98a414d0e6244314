/**
 * Faults in aws mode on the real dev server, with a MinIO and a DynamoDB Local of this file's own
 * that are stopped and started again at precise points of a day:
 *  - S3 stops as transformDay starts reading: reads come from local copies, the day record says
 *    so, the write fails retryably and succeeds once S3 is back;
 *  - DynamoDB stops as computeMetrics starts, and comes back once an attempt failed on it: the
 *    activities retry, the day completes;
 *  - the real `courant worker` in aws mode through an S3 outage never logs the secret key.
 * A timeline of each fault run is written to test-artifacts/ for the record.
 */
import type { Client } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { createRecordStore } from '../../src/storage/index.js';
import { S3ObjectStore } from '../../src/storage/s3-object-store.js';
import {
  capturedLogger,
  startPrivateDynamoDb,
  startPrivateMinio,
  testS3Client,
  type PrivateServer,
} from '../support/aws.js';
import { once, withHooks, type ObjectStoreHooks } from '../support/fault-injection.js';
import { uniqueName } from '../support/names.js';
import { awsTestEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { readUntil, WAIT_DEADLINE_MS } from '../support/deadlines.js';
import { inheritedEnv } from '../support/child-env.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';

let minio: PrivateServer;
let dynamodb: PrivateServer;
let odre: OdreServer;
let harness: TestWorkerHarness;
let hooks: ObjectStoreHooks = {};
const log = capturedLogger('info');

/** What happened when, relative to the start of a run, for test-artifacts/. */
class Timeline {
  private readonly start = Date.now();
  readonly events: Array<{ ms: number; event: string }> = [];
  mark(event: string, at = Date.now()): void {
    this.events.push({ ms: at - this.start, event });
  }
  async save(name: string): Promise<void> {
    this.events.sort((a, b) => a.ms - b.ms);
    const dir = path.join(PROJECT_ROOT, 'test-artifacts');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${name}.json`), `${JSON.stringify(this.events, null, 2)}\n`);
  }
}

async function runDay(date: string, client: Client = harness.client, taskQueue = harness.config.temporal.taskQueue) {
  const handle = await startDay(client, { date, runKind: 'manual', taskQueue });
  return handle.result();
}

/** Each start of an activity type in a workflow's history: its attempt and the previous attempt's failure. */
async function activityStarts(client: Client, workflowId: string, activityType: string) {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  const types = new Map<string, string>();
  const starts: Array<{ attempt: number; lastFailure: string | undefined; type: string | undefined }> = [];
  for (const event of events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started && types.get(String(started.scheduledEventId)) === activityType)
      starts.push({
        attempt: started.attempt ?? 0,
        lastFailure: started.lastFailure?.message ?? undefined,
        type: started.lastFailure?.applicationFailureInfo?.type ?? undefined,
      });
  }
  return starts;
}

beforeAll(async () => {
  [minio, dynamodb, odre] = await Promise.all([
    startPrivateMinio(),
    startPrivateDynamoDb(),
    loadDemoExports().then(startOdreServer),
  ]);
  const config = await testConfig({
    ...awsTestEnv(),
    S3_ENDPOINT: minio.endpoint,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    ECO2MIX_BASE_URL: odre.baseUrl,
  });
  harness = await startTestWorker(config, {
    deps: (deps) => ({ ...deps, objects: withHooks(deps.objects, () => hooks) }),
    logger: log.logger,
  });
});

afterAll(async () => {
  await harness.close();
  await Promise.all([minio.close(), dynamodb.close(), odre.close()]);
});

describe('aws mode under faults', () => {
  it('S3 stopped mid-run: reads come from local copies, the day record says so, the write retries until S3 is back', async () => {
    const date = '2021-12-06';
    const timeline = new Timeline();
    let restarted: Promise<void> | undefined;
    const stopS3 = once(async () => {
      timeline.mark('transformDay about to read the raw files: stopping S3 (MinIO)');
      await minio.stop();
      timeline.mark('S3 stopped');
    });
    hooks = {
      beforeRead: (key) => (key.startsWith('raw/') ? stopS3() : Promise.resolve()),
      onWriteFailure(key, error) {
        timeline.mark(`write of ${key} failed: ${(error as Error).name}: ${(error as Error).message}`);
        restarted ??= minio.start().then(() => timeline.mark('S3 (MinIO) started again'));
      },
    };
    timeline.mark('day started');
    const result = await runDay(date);
    timeline.mark('day finished');
    hooks = {};
    await restarted;

    expect(result.datasets[0]).toMatchObject({ rows: { read: 96, written: 96, rejected: 0 }, completeness: 1 });
    const dayRun = await harness.resources.deps.records.getDayRun('eco2mix', date);
    expect(dayRun).toMatchObject({ status: 'succeeded', stage: 'done', fallback: true });

    const fallbacks = log.lines().filter((l) => l.msg === 'S3 unreachable: read served from a local copy');
    expect(fallbacks.map((l) => l.key)).toEqual(
      expect.arrayContaining([`raw/eco2mix/dt=${date}/realtime.csv`, `raw/eco2mix/dt=${date}/consolidated.csv`]),
    );
    for (const line of fallbacks) {
      expect(line.servedFrom).toBe('cache');
      timeline.mark(
        `read of ${String(line.key)} served from the local ${String(line.servedFrom)} (logged)`,
        Number(line.time),
      );
    }

    const transform = await activityStarts(harness.client, workflowIds.datasetDay('eco2mix', date), 'transformDay');
    const last = transform.at(-1);
    expect(last?.attempt).toBeGreaterThanOrEqual(2);
    expect(last?.type).toBe('TransientIO');
    expect(last?.lastFailure).toMatch(/S3 unreachable/);
    timeline.mark(`transformDay succeeded on attempt ${last?.attempt}; previous failure: ${last?.lastFailure}`);

    // Everything the day wrote is in S3 itself, not somewhere else.
    const s3Config = harness.config.storage.s3;
    const client = testS3Client(minio.endpoint);
    try {
      const s3 = new S3ObjectStore(client, s3Config?.bucket ?? '', s3Config?.prefix ?? '');
      for (const key of [
        `processed/eco2mix/dt=${date}/eco2mix_national.parquet`,
        `metrics/eco2mix/dt=${date}/metrics.json`,
        `reports/dt=${date}/daily_report.json`,
      ])
        expect(await s3.head(key), key).not.toBeNull();
    } finally {
      client.destroy();
    }
    await timeline.save('aws-faults-s3-mid-run');
  });

  it('DynamoDB stopped, then restarted: the activities retry and the day completes', async () => {
    const date = '2021-12-07';
    const timeline = new Timeline();
    const day = harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', date));
    /** computeMetrics waiting for its next attempt: the one before failed on the stopped DynamoDB. */
    const metricsFailed = async () =>
      (await day.describe()).raw.pendingActivities?.some(
        (a) => a.activityType?.name === 'computeMetrics' && (a.attempt ?? 1) >= 2,
      ) === true;
    let restarted: Promise<void> | undefined;
    const stopDb = once(async () => {
      timeline.mark('computeMetrics about to read the Parquet file: stopping DynamoDB Local');
      await dynamodb.stop();
      timeline.mark('DynamoDB stopped');
      // Started again once an attempt has failed on it, however long the attempt took to get there.
      restarted = readUntil(metricsFailed, (failed) => failed, 100)
        .then(() => timeline.mark('computeMetrics failed an attempt'))
        .then(() => dynamodb.start())
        .then(() => timeline.mark('DynamoDB Local started again'));
    });
    hooks = { beforeRead: (key) => (key.startsWith('processed/') ? stopDb() : Promise.resolve()) };
    timeline.mark('day started');
    await runDay(date);
    timeline.mark('day finished');
    hooks = {};
    await restarted;

    const records = harness.resources.deps.records;
    expect(await records.getDayRun('eco2mix', date)).toMatchObject({ status: 'succeeded', fallback: false });
    expect((await records.getMetrics('eco2mix', date))?.metrics).toMatchObject({ points: 96 });
    const metrics = await activityStarts(harness.client, day.workflowId, 'computeMetrics');
    expect(metrics.at(-1)?.attempt).toBeGreaterThanOrEqual(2);
    timeline.mark(`computeMetrics succeeded on attempt ${metrics.at(-1)?.attempt}: ${metrics.at(-1)?.lastFailure}`);
    await timeline.save('aws-faults-dynamodb-restart');
  });

  it('the real worker in aws mode logs its mode and reason, and never the secret key, even through an S3 outage', async () => {
    const date = '2021-12-08';
    const secret = inject('s3SecretAccessKey');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-cli-aws-'));
    const env: Record<string, string> = {
      ...inheritedEnv(),
      ...awsTestEnv(),
      ...prebuiltBundleEnv(),
      STORAGE_MODE: 'auto',
      USE_S3: 'true',
      S3_ENDPOINT: minio.endpoint,
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: harness.config.temporal.address,
      TEMPORAL_NAMESPACE: harness.config.temporal.namespace,
      TEMPORAL_TASK_QUEUE: uniqueName('q'),
      ECO2MIX_BASE_URL: odre.baseUrl,
      LOG_LEVEL: 'debug',
      AWS_ACCESS_KEY_ID: inject('s3AccessKeyId'),
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const worker = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'courant.js'), 'worker'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + WAIT_DEADLINE_MS;
      while (!pattern.test(output)) {
        if (Date.now() > deadline || worker.exitCode !== null) throw new Error(`never logged ${pattern}:\n${output}`);
        await sleep(50);
      }
    };
    const records = await createRecordStore(harness.config);
    try {
      await waitFor(/worker is running/);
      await runDay(date, harness.client, env.TEMPORAL_TASK_QUEUE);
      // The same day again with S3 gone: reads from local copies, writes failing until S3 returns.
      await minio.stop();
      const rerun = runDay(date, harness.client, env.TEMPORAL_TASK_QUEUE);
      await waitFor(/S3 unreachable: read served from a local copy/);
      await waitFor(/TransientIO|S3 unreachable \(/);
      await minio.start();
      await rerun;
    } finally {
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
      await records.close();
      await rm(dataDir, { recursive: true, force: true });
    }
    const started = output
      .split('\n')
      .filter((line) => line.includes('storage environment detected'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(started[0]).toMatchObject({ mode: 'aws', reason: 'USE_S3=true' });
    expect(output).toMatch(/"fallback":true/);
    expect(output.length).toBeGreaterThan(1000);
    expect(output).not.toContain(secret);
  });
});
