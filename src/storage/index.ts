/**
 * createStorage(config): the object store and record store for the configured environment.
 *   local mode  LocalObjectStore under DATA_DIR
 *   aws mode    FallbackObjectStore( CachedObjectStore( S3ObjectStore ) ), mirror under DATA_DIR
 *   records     MongoRecordStore or DynamoRecordStore, by DATABASE_TYPE
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { connecting, reaching, type ServiceAddress } from '../faults/service-unavailable.js';
import type { LocalRoot } from '../faults/storage-misconfigured.js';
import { CachedObjectStore } from './cached-object-store.js';
import { cacheCopy, FallbackObjectStore, mirrorCopy } from './fallback-object-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { ObjectCache } from './object-cache.js';
import type { ObjectStore } from './object-store.js';
import type { RecordStore } from './records.js';

export interface Storage {
  readonly objects: ObjectStore;
  readonly records: RecordStore;
  /** Checks (or, with CREATE_STORAGE, creates) the bucket, tables and indexes. Safe on every start. */
  prepare(): Promise<void>;
  /** Closes the record store's connection and the S3 client. */
  close(): Promise<void>;
}

export interface CreateStorageOptions {
  /** Where the stores log fallbacks and cache problems. */
  readonly logger?: Logger;
}

interface ObjectSide {
  readonly objects: ObjectStore;
  prepare(): Promise<void>;
  close(): void;
}

// The clients of a backend (the AWS SDK, the MongoDB driver) load only when the configuration
// names it: a command starts without those it does not use.

async function createObjectSide(config: Config, logger: Logger | undefined): Promise<ObjectSide> {
  const s3Config = config.storage.s3;
  if (!s3Config) return { objects: new LocalObjectStore(config.storage.dataDir), prepare: async () => {}, close() {} };
  const [{ createS3Client }, { S3ObjectStore }] = await Promise.all([
    import('./aws-clients.js'),
    import('./s3-object-store.js'),
  ]);
  const client: S3Client = createS3Client(s3Config);
  const s3 = new S3ObjectStore(client, s3Config.bucket, s3Config.prefix);
  const mirror = new LocalObjectStore(config.storage.dataDir);
  const cache =
    s3Config.cacheMaxBytes > 0
      ? new ObjectCache(s3Config.cacheDir, s3.location, s3Config.cacheMaxBytes, logger)
      : undefined;
  const primary = cache ? new CachedObjectStore(s3, cache, logger) : s3;
  const copies = cache ? [cacheCopy(cache), mirrorCopy(mirror)] : [mirrorCopy(mirror)];
  const where: ServiceAddress = s3Config.endpoint
    ? { service: 'S3', address: s3Config.endpoint, variable: 'S3_ENDPOINT' }
    : { service: 'S3', address: `AWS region ${s3Config.region}`, variable: 'AWS_REGION' };
  return {
    objects: new FallbackObjectStore(primary, mirror, copies, logger),
    prepare: () => reaching(where, () => s3.ensureBucket(config.storage.createMissing)),
    close: () => client.destroy(),
  };
}

/** The record store's service, as the configuration names it. */
export function recordService(config: Config): ServiceAddress {
  const dynamodb = config.storage.dynamodb;
  if (!dynamodb) {
    return {
      service: 'the document store',
      address: withoutUserInfo(config.storage.mongodbUrl),
      variable: 'MONGODB_URL',
    };
  }
  return dynamodb.endpoint
    ? { service: 'DynamoDB', address: dynamodb.endpoint, variable: 'DYNAMODB_ENDPOINT' }
    : { service: 'DynamoDB', address: `AWS region ${dynamodb.region}`, variable: 'AWS_REGION' };
}

/** The local directories courant writes, each with the variable that sets it. */
export function localRoots(config: Config): LocalRoot[] {
  const roots: LocalRoot[] = [{ path: config.storage.dataDir, variable: 'DATA_DIR' }];
  const s3 = config.storage.s3;
  if (s3 && s3.cacheMaxBytes > 0) roots.unshift({ path: s3.cacheDir, variable: 'S3_CACHE_DIR' });
  return roots;
}

/**
 * The record store alone, for commands that only read or write records. A document store that
 * cannot be reached is a ServiceUnavailableError naming MONGODB_URL.
 */
export async function createRecordStore(config: Config): Promise<RecordStore> {
  const dynamodb = config.storage.dynamodb;
  if (dynamodb) {
    const [{ createDynamoDbClient }, { DynamoRecordStore }] = await Promise.all([
      import('./aws-clients.js'),
      import('./dynamo-record-store.js'),
    ]);
    return new DynamoRecordStore(createDynamoDbClient(dynamodb), {
      tablePrefix: dynamodb.tablePrefix,
      createMissing: config.storage.createMissing,
      location: describeStorage(config).records,
      datasets: Object.keys(config.datasets),
    });
  }
  const { MongoRecordStore } = await import('./mongo-record-store.js');
  return connecting(recordService(config), () =>
    MongoRecordStore.connect(config.storage.mongodbUrl, config.storage.recordPrefix),
  );
}

/**
 * The object store alone, for commands that only read objects (`courant energies`): no record
 * store is connected, so they run while the document store or DynamoDB is down.
 */
export async function createObjectStorage(
  config: Config,
  options: CreateStorageOptions = {},
): Promise<Pick<ObjectSide, 'objects' | 'close'>> {
  return createObjectSide(config, options.logger);
}

export async function createStorage(config: Config, options: CreateStorageOptions = {}): Promise<Storage> {
  const objectSide = await createObjectSide(config, options.logger);
  let records: RecordStore;
  try {
    records = await createRecordStore(config);
  } catch (error) {
    objectSide.close();
    throw error;
  }
  return {
    objects: objectSide.objects,
    records,
    async prepare() {
      await objectSide.prepare();
      await reaching(recordService(config), () => records.ensureSchema());
    },
    async close() {
      try {
        await records.close();
      } finally {
        objectSide.close();
      }
    },
  };
}

/** Where objects and records live, without credentials: for the start-up log and `courant dev`. */
export function describeStorage(config: Config): {
  mode: string;
  reason: string;
  objects: string;
  records: string;
  mirror?: string;
  cache?: string;
} {
  const { storage } = config;
  const s3 = storage.s3;
  const objects = s3
    ? `s3://${s3.bucket}/${s3.prefix ? `${s3.prefix}/` : ''}${s3.endpoint ? ` at ${s3.endpoint}` : ''} (${s3.region})`
    : `file://${storage.dataDir}`;
  const dynamodb = storage.dynamodb;
  const records = dynamodb
    ? `dynamodb tables ${dynamodb.tablePrefix}{day_runs,metrics,reports}` +
      `${dynamodb.endpoint ? ` at ${dynamodb.endpoint}` : ''} (${dynamodb.region})`
    : `mongodb ${withoutUserInfo(storage.mongodbUrl)}`;
  return {
    mode: storage.mode,
    reason: storage.modeReason,
    objects,
    records,
    ...(s3
      ? {
          mirror: storage.dataDir,
          cache: s3.cacheMaxBytes > 0 ? `${s3.cacheDir} (max ${s3.cacheMaxBytes} bytes)` : 'off',
        }
      : {}),
  };
}

function withoutUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '[unparseable URL]';
  }
}

export type { ObjectStore } from './object-store.js';
export type { RecordStore } from './records.js';
