/**
 * deploy/iam-policy*.json in step with the code: every request the S3 and DynamoDB stores send
 * (recorded against MinIO and DynamoDB Local) maps to an allowed action, every allowed action is
 * used, and the resources are exactly the code's key prefixes and table names.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as keyModule from '../../src/workflow-safe/keys.js';
import { billingKeys, inboxKeys, storageKeys } from '../../src/workflow-safe/keys.js';
import { CachedObjectStore } from '../../src/storage/cached-object-store.js';
import { DynamoRecordStore } from '../../src/storage/dynamo-record-store.js';
import { ObjectCache } from '../../src/storage/object-cache.js';
import { RECORD_TABLES } from '../../src/storage/records.js';
import { S3ObjectStore } from '../../src/storage/s3-object-store.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { recordCommands, testDynamoDbClient, testS3Client, uniqueBucket } from '../support/aws.js';
import { uniqueName } from '../support/names.js';
import { dayRun } from './record-store-contract.js';

const policySchema = z.object({
  Version: z.literal('2012-10-17'),
  Statement: z.array(
    z.object({
      Sid: z.string(),
      Effect: z.literal('Allow'),
      Action: z.array(z.string()),
      Resource: z.array(z.string()),
    }),
  ),
});

async function policy(file: string) {
  return policySchema.parse(JSON.parse(await readFile(path.join(PROJECT_ROOT, 'deploy', file), 'utf8')));
}

/** The IAM action each SDK command needs. A command missing here fails the test: map it first. */
const ACTION_OF_COMMAND: Record<string, string> = {
  GetObjectCommand: 's3:GetObject',
  HeadObjectCommand: 's3:GetObject',
  PutObjectCommand: 's3:PutObject',
  CreateMultipartUploadCommand: 's3:PutObject',
  UploadPartCommand: 's3:PutObject',
  CompleteMultipartUploadCommand: 's3:PutObject',
  AbortMultipartUploadCommand: 's3:AbortMultipartUpload',
  HeadBucketCommand: 's3:ListBucket',
  ListObjectsV2Command: 's3:ListBucket',
  DeleteObjectCommand: 's3:DeleteObject',
  CreateBucketCommand: 's3:CreateBucket',
  DescribeTableCommand: 'dynamodb:DescribeTable',
  CreateTableCommand: 'dynamodb:CreateTable',
  GetItemCommand: 'dynamodb:GetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  QueryCommand: 'dynamodb:Query',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
};

function actionsOf(commands: readonly string[]): Set<string> {
  return new Set(
    commands.map((command) => {
      const action = ACTION_OF_COMMAND[command];
      if (!action) throw new Error(`no IAM action mapped for ${command}`);
      return action;
    }),
  );
}

/**
 * Arguments for one sample key of every key builder (`*Keys.*` in src/workflow-safe/keys.ts). A builder
 * without an entry here fails the test: add one, then make sure the policy grants its prefix.
 */
const SAMPLE_ARGS: Record<string, readonly unknown[]> = {
  'storageKeys.raw': ['eco2mix', '2024-01-01', 'realtime', 'csv'],
  'storageKeys.rawMeta': ['raw/eco2mix/dt=2024-01-01/realtime.csv'],
  'storageKeys.rawDay': ['eco2mix', '2024-01-01'],
  'storageKeys.claimedDrop': ['eco2mix', '2024-01-01', 'a'.repeat(64), 'csv'],
  'storageKeys.claimedDropContent': ['eco2mix', 'a'.repeat(64), 'csv'],
  'inboxKeys.folder': ['eco2mix'],
  'inboxKeys.file': ['eco2mix', 'a'.repeat(64), 'readings.csv'],
  'inboxKeys.quarantined': ['eco2mix', 'readings.csv'],
  'inboxKeys.retired': ['enedis', 'ENEDIS_R151_20240404.zip'],
  'billingKeys.month': ['2024-03'],
  'billingKeys.monthVersion': ['2024-03', 2],
  'billingKeys.snapshot': [],
  'billingKeys.snapshotImport': ['0'.repeat(64)],
  'billingKeys.eventsFold': ['2024-02', '0'.repeat(64)],
  'billingKeys.monthShards': ['2024-03'],
  'billingKeys.shardWork': ['2024-03', '0192aa3c-run-12'],
  'storageKeys.processedFolder': ['enedis'],
  'inboxKeys.skippedFolder': ['enedis'],
  'inboxKeys.skippedNote': ['enedis', 'a'.repeat(64)],
  'storageKeys.processed': ['eco2mix', '2024-01-01', 'eco2mix_national'],
  'storageKeys.dayOutputs': ['eco2mix', '2024-01-01'],
  'storageKeys.rejects': ['eco2mix', '2024-01-01', 'eco2mix_national'],
  'storageKeys.refusedBody': ['eco2mix', '2024-01-01', 'realtime'],
  'storageKeys.snapshot': ['cityflow-velib', '2024-10-27', 'velib', '0215bis', 'json'],
  'storageKeys.refusedSnapshot': ['cityflow-velib', '2024-10-27', 'velib', '0215'],
  'storageKeys.supersededRefusedBody': ['eco2mix', '2024-01-01', 'realtime', 'a'.repeat(64)],
  'storageKeys.metrics': ['eco2mix', '2024-01-01'],
  'storageKeys.qualityChecks': ['eco2mix', '2024-01-01'],
  'storageKeys.anomalies': ['smartmeter', '2024-01-01'],
  'storageKeys.blockedRaw': ['eco2mix', '2024-01-01', 'realtime', 'a'.repeat(64), 'csv'],
  'storageKeys.dailyReport': ['2024-01-01', 'json'],
  'reportKeys.monthly': ['2024-01', 'json'],
  'reportKeys.annual': ['2024', 'json'],
  'reportKeys.index': [],
  'importKeys.file': ['eco2mix', 'a'.repeat(64), 'export.csv'],
  'importKeys.manifest': ['eco2mix', 'a'.repeat(64)],
};

type Builder = (...args: unknown[]) => string;

/** Every key builder the code has, by `object.function` name. */
const BUILDERS: ReadonlyMap<string, Builder> = new Map(
  Object.entries(keyModule as Record<string, unknown>)
    .filter(([name, value]) => name.endsWith('Keys') && typeof value === 'object' && value !== null)
    .flatMap(([name, value]) =>
      Object.entries(value as Record<string, unknown>)
        .filter((entry): entry is [string, Builder] => typeof entry[1] === 'function')
        .map(([fn, builder]) => [`${name}.${fn}`, builder] as const),
    ),
);

/** Builders of folders (prefixes that are listed), not of objects. */
const FOLDER_BUILDERS = new Set([
  'storageKeys.rawDay',
  'storageKeys.processedFolder',
  'inboxKeys.folder',
  'inboxKeys.skippedFolder',
]);

/** One key from every builder. */
const SAMPLE_KEYS: readonly string[] = [...BUILDERS].map(([name, build]) => {
  const args = SAMPLE_ARGS[name];
  if (!args) throw new Error(`no sample key for ${name}: add one to SAMPLE_ARGS and check deploy/iam-policy.json`);
  return build(...args);
});

/** The object keys among them: what the worker writes. */
const OBJECT_KEYS = [...BUILDERS.keys()]
  .map((name, i) => ({ name, key: SAMPLE_KEYS[i] ?? '' }))
  .filter(({ name }) => !FOLDER_BUILDERS.has(name))
  .map(({ key }) => key);

/** Key prefixes (first segment) the code writes under. */
const AREAS = new Set(SAMPLE_KEYS.map((key) => key.split('/')[0]));

const RAW = storageKeys.raw('eco2mix', '2024-01-01', 'realtime', 'csv');
const PROCESSED = storageKeys.processed('eco2mix', '2024-01-01', 'eco2mix_national');
const METRICS = storageKeys.metrics('eco2mix', '2024-01-01');

interface PrivateUpload {
  upload(key: string, body: Readable, bytes: number, options: object): Promise<unknown>;
}

const sent = { worker: [] as string[], provisioning: [] as string[] };

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-iam-'));
  const s3Client = testS3Client();
  const dynamoClient = testDynamoDbClient();
  const tablePrefix = `${uniqueName('t')}_`;
  const bucket = uniqueBucket();
  try {
    // Provisioning (CREATE_STORAGE=true): what creates the bucket and the tables.
    const provisioning = recordCommands(s3Client);
    const provisioningDb = recordCommands(dynamoClient);
    const s3 = new S3ObjectStore(s3Client, bucket, 'courant', { partSizeBytes: 5 * 1024 * 1024 });
    await s3.ensureBucket(true);
    await new DynamoRecordStore(dynamoClient, {
      tablePrefix,
      createMissing: true,
      datasets: ['eco2mix'],
    }).ensureSchema();
    sent.provisioning = [...provisioning, ...provisioningDb];

    // The worker (CREATE_STORAGE unset): everything the stores can send.
    const s3Worker = testS3Client();
    const dbWorker = testDynamoDbClient();
    const worker = [recordCommands(s3Worker), recordCommands(dbWorker)];
    const objects = new S3ObjectStore(s3Worker, bucket, 'courant', { partSizeBytes: 5 * 1024 * 1024 });
    const cached = new CachedObjectStore(objects, new ObjectCache(dir, objects.location, 1024 * 1024 * 1024));
    await objects.ensureBucket(false);
    for (const key of OBJECT_KEYS) await cached.put(key, 'x');
    await cached.putFile(PROCESSED, path.join(PROJECT_ROOT, 'package.json'));
    await cached.put(RAW, randomBytes(11 * 1024 * 1024)); // multipart
    await cached.read(RAW); // conditional GET
    await objects.read(METRICS);
    await objects.getToFile(PROCESSED, path.join(dir, 'out'));
    await objects.head(METRICS);
    await objects.head('raw/eco2mix/dt=2012-01-01/none.csv');
    // Drops: the inbox is listed, and a file leaves it once claimed.
    const dropped = keyModule.inboxKeys.file('eco2mix', 'a'.repeat(64), 'readings.csv');
    expect((await cached.list(keyModule.inboxKeys.folder('eco2mix'))).map((o) => o.key)).toContain(dropped);
    await cached.delete(dropped);
    // A multipart upload whose body breaks off after two parts is aborted (through the store's
    // private upload path, the one put and putFile take, since neither lets a test break a body).
    let parts = 0;
    const breaking = new Readable({
      read() {
        parts += 1;
        if (parts <= 2) this.push(randomBytes(5 * 1024 * 1024));
        else this.destroy(new Error('source broke off'));
      },
    });
    const upload = (objects as unknown as PrivateUpload).upload.bind(objects);
    await expect(upload(PROCESSED, breaking, 0, {})).rejects.toThrow(/broke off/);

    const records = new DynamoRecordStore(dbWorker, {
      tablePrefix,
      createMissing: false,
      pageSize: 1,
      datasets: ['eco2mix'],
    });
    await records.ensureSchema();
    await records.upsertDayRun(dayRun());
    await records.upsertDayRun({ dataset: 'eco2mix', date: '2024-10-27', status: 'failed' }, { onlyIfRunId: 'run-1' });
    await records.getDayRun('eco2mix', '2024-10-27');
    await records.listDayRuns({ from: '2024-01-01', to: '2024-12-31' });
    await records.upsertMetrics({ dataset: 'eco2mix', date: '2024-10-27', metrics: {} });
    await records.getMetrics('eco2mix', '2024-10-27');
    await records.upsertReport({ period: '2024-10-27', summary: {}, keys: [] });
    await records.getReport('2024-10-27');
    // What a ranged run and the console ask of the records: bulk writes, statuses, fetched files.
    await records.openDayRuns([dayRun({ date: '2024-10-28' })]);
    await records.putDayRuns([dayRun({ date: '2024-10-28', status: 'succeeded' })]);
    await records.listDayStatuses({ from: '2024-01-01', to: '2024-12-31' });
    await records.putMetricsRecords([{ dataset: 'eco2mix', date: '2024-10-28', metrics: {} }]);
    await records.putReports([{ period: '2024-10-28', summary: {}, keys: [] }]);
    await records.putSftpFile({
      dataset: 'enedis',
      name: 'f.zip',
      size: 1,
      mtime: '2024-10-28T00:00:00Z',
      fetchedAt: '2024-10-28T00:00:00Z',
      inboxKey: 'inbox/enedis/f.zip',
      sha256: '0'.repeat(64),
    });
    await records.getSftpFile('enedis', 'f.zip');
    await records.getSftpFiles('enedis', ['f.zip', 'g.zip']);
    await records.putSftpInboxName('enedis', '0000000000000000-f_g.zip', 'f g.zip');
    await records.getSftpServerNames('enedis', ['0000000000000000-f_g.zip']);
    await records.listSftpFiles('enedis');
    sent.worker = worker.flat();
    s3Worker.destroy();
    dbWorker.destroy();
  } finally {
    s3Client.destroy();
    dynamoClient.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});

describe('deploy/iam-policy.json', () => {
  it('allows exactly the actions the worker sends, no more, no fewer', async () => {
    const allowed = new Set((await policy('iam-policy.json')).Statement.flatMap((s) => s.Action));
    expect([...actionsOf(sent.worker)].sort()).toEqual([...allowed].sort());
  });

  it('deletes only files of the inbox once their days succeeded, refused bodies once superseded, refused inbox files once retired, notes of skipped files once gone, day-outputs records of replaced inputs, and the shards of a billing once its month is recorded', async () => {
    const deleting = (await policy('iam-policy.json')).Statement.filter((s) => s.Action.includes('s3:DeleteObject'));
    expect([...new Set(deleting.flatMap((s) => s.Action))]).toEqual(['s3:DeleteObject']);
    expect(deleting.flatMap((s) => s.Resource)).toEqual([
      'arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/inbox/*',
      'arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/quarantine/*.refused',
      'arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/quarantine/*/inbox/*',
      'arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/quarantine/*/skipped/*',
      'arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/processed/*/outputs.json',
      'arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/billing/shards/*',
    ]);
    expect(billingKeys.shardWork('2024-03', 'run-1')).toMatch(/^billing\/shards\//);
    expect(inboxKeys.quarantined('enedis', 'a.zip')).toMatch(/^quarantine\/[^/]+\/inbox\//);
    expect(inboxKeys.skippedNote('enedis', 'a'.repeat(64))).toMatch(/^quarantine\/[^/]+\/skipped\//);
    const refused = storageKeys.refusedBody('eco2mix', '2024-01-01', 'realtime');
    expect(refused.startsWith('quarantine/') && refused.endsWith('.refused')).toBe(true);
    expect(storageKeys.dayOutputs('eco2mix', '2024-01-01')).toMatch(/^processed\/.+\/outputs\.json$/);
  });

  it('grants objects under exactly the key prefixes the code writes', async () => {
    const resources = (await policy('iam-policy.json')).Statement.filter(
      (s) => !s.Action.includes('s3:DeleteObject'),
    ).flatMap((s) => s.Resource);
    const objectAreas = resources
      .filter((r) => r.startsWith('arn:aws:s3:::<S3_BUCKET>/'))
      .map((r) => /^arn:aws:s3:::<S3_BUCKET>\/<S3_PREFIX>\/([a-z_]+)\/\*$/.exec(r)?.[1]);
    for (const area of AREAS)
      expect(
        objectAreas,
        `the code writes ${area}/… keys: grant arn:aws:s3:::<S3_BUCKET>/<S3_PREFIX>/${area}/*`,
      ).toContain(area);
    expect(new Set(objectAreas)).toEqual(AREAS);
    expect(objectAreas).toHaveLength(AREAS.size);
    expect(resources.filter((r) => r.startsWith('arn:aws:s3:::')).length).toBe(AREAS.size + 1);
  });

  it('grants exactly the record tables, under the configured prefix', async () => {
    for (const file of ['iam-policy.json', 'iam-policy-create-storage.json']) {
      const tables = (await policy(file)).Statement.flatMap((s) => s.Resource).filter((r) =>
        r.startsWith('arn:aws:dynamodb:'),
      );
      expect(
        tables.map((r) =>
          r.replace('arn:aws:dynamodb:<AWS_REGION>:<AWS_ACCOUNT_ID>:table/<DYNAMODB_TABLE_PREFIX>', ''),
        ),
      ).toEqual([...RECORD_TABLES]);
    }
  });
});

describe('deploy/iam-policy-create-storage.json', () => {
  it('adds exactly what CREATE_STORAGE=true sends beyond the worker policy', async () => {
    const worker = new Set((await policy('iam-policy.json')).Statement.flatMap((s) => s.Action));
    const extra = [...actionsOf(sent.provisioning)].filter((a) => !worker.has(a)).sort();
    expect(extra).toEqual((await policy('iam-policy-create-storage.json')).Statement.flatMap((s) => s.Action).sort());
  });
});
