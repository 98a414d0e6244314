/**
 * The same Paris day through the whole dailyPipeline twice, on the real dev server: once in local
 * mode (files + document store), once in aws mode (MinIO + DynamoDB Local). Both must produce the
 * same Parquet, metrics, report and records, under the same keys.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import type { Config } from '../../src/config/index.js';
import { S3ObjectStore } from '../../src/storage/s3-object-store.js';
import type { DayRun, RecordStore } from '../../src/storage/records.js';
import { testS3Client } from '../support/aws.js';
import { awsTestEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const DATE = '2021-12-05';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface DayOutputs {
  /** sha256 of every object by key; `.meta.json` files hold their fetch time, so only their sha256 field. */
  readonly objects: Record<string, string>;
  readonly dayRun: Omit<DayRun, 'runId' | 'workflowId' | 'startedAt' | 'finishedAt'> | null;
  readonly metrics: unknown;
  readonly report: unknown;
}

async function runDay(harness: TestWorkerHarness): Promise<void> {
  const handle = await startDay(harness.client, {
    date: DATE,
    runKind: 'manual',
    taskQueue: harness.config.temporal.taskQueue,
  });
  await handle.result();
}

async function recordsOf(records: RecordStore): Promise<Omit<DayOutputs, 'objects'>> {
  const run = await records.getDayRun('eco2mix', DATE);
  // Run identity and timing differ between the two runs by nature; everything else must not.
  const varying = new Set(['runId', 'workflowId', 'startedAt', 'finishedAt']);
  // Only S3 gives an object a version tag (ETag); sizes and hashes must be the same.
  const outputFiles = run?.outputFiles?.map(({ key, bytes, sha256 }) => ({ key, bytes, sha256 })) ?? [];
  return {
    dayRun: run
      ? {
          ...(Object.fromEntries(Object.entries(run).filter(([k]) => !varying.has(k))) as NonNullable<
            DayOutputs['dayRun']
          >),
          outputFiles,
        }
      : null,
    metrics: (await records.getMetrics('eco2mix', DATE))?.metrics,
    report: await records.getReport(DATE),
  };
}

function digest(key: string, bytes: Uint8Array): string {
  if (!key.endsWith('.meta.json')) return sha256(bytes);
  return String((JSON.parse(Buffer.from(bytes).toString('utf8')) as { sha256: unknown }).sha256);
}

async function filesUnder(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const key = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (key.startsWith('.s3-cache/')) continue;
    out[key] = digest(key, await readFile(path.join(root, key)));
  }
  return out;
}

let odre: OdreServer;
let localConfig: Config;
let awsConfig: Config;
let local: DayOutputs;
let aws: DayOutputs;
let mirror: Record<string, string>;

beforeAll(async () => {
  odre = await startOdreServer(await loadDemoExports());

  localConfig = await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl });
  const localHarness = await startTestWorker(localConfig);
  try {
    await runDay(localHarness);
    local = {
      objects: await filesUnder(localConfig.storage.dataDir),
      ...(await recordsOf(localHarness.resources.deps.records)),
    };
  } finally {
    await localHarness.close();
  }

  awsConfig = await testConfig({ ...awsTestEnv(), ECO2MIX_BASE_URL: odre.baseUrl });
  const awsHarness = await startTestWorker(awsConfig);
  const client = testS3Client();
  try {
    await runDay(awsHarness);
    const s3Config = awsConfig.storage.s3;
    if (!s3Config) throw new Error('aws mode expected');
    // Read S3 itself, not through the worker's cache or mirror.
    const s3 = new S3ObjectStore(client, s3Config.bucket, s3Config.prefix);
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: s3Config.bucket, Prefix: `${s3Config.prefix}/` }),
    );
    const objects: Record<string, string> = {};
    for (const { Key } of listed.Contents ?? []) {
      const key = (Key ?? '').slice(s3Config.prefix.length + 1);
      objects[key] = digest(key, await s3.get(key));
    }
    aws = { objects, ...(await recordsOf(awsHarness.resources.deps.records)) };
    mirror = await filesUnder(awsConfig.storage.dataDir);
  } finally {
    client.destroy();
    await awsHarness.close();
  }
});

afterAll(async () => odre.close());

describe('aws mode (S3 + DynamoDB) against local mode (files + MongoDB)', () => {
  it('writes the same objects under the same keys, byte for byte', () => {
    expect(Object.keys(aws.objects).sort()).toEqual(Object.keys(local.objects).sort());
    expect(Object.keys(local.objects)).toEqual(
      expect.arrayContaining([
        `raw/eco2mix/dt=${DATE}/realtime.csv`,
        `processed/eco2mix/dt=${DATE}/eco2mix_national.parquet`,
        `metrics/eco2mix/dt=${DATE}/metrics.json`,
        `reports/dt=${DATE}/daily_report.json`,
        `reports/dt=${DATE}/daily_report.csv`,
      ]),
    );
    expect(aws.objects).toEqual(local.objects);
  });

  it('keeps the same records: day run, metrics and report', () => {
    expect(aws.dayRun).toMatchObject({ status: 'succeeded', stage: 'done', attempt: 1, fallback: false });
    expect(aws.dayRun).toEqual(local.dayRun);
    expect(aws.metrics).toMatchObject({ dataset: 'eco2mix', date: DATE, points: 96, completeness: 1 });
    expect(aws.metrics).toEqual(local.metrics);
    expect(aws.report).toEqual(local.report);
  });

  it('mirrors every object it wrote to S3 under DATA_DIR, for reads when S3 is unreachable', () => {
    expect(mirror).toEqual(aws.objects);
  });

  it('says at start which mode it runs in and why', () => {
    expect(awsConfig.storage).toMatchObject({
      mode: 'aws',
      modeReason: 'STORAGE_MODE=aws (explicit)',
      databaseType: 'dynamodb',
    });
    expect(localConfig.storage).toMatchObject({ mode: 'local', databaseType: 'mongodb' });
  });
});
