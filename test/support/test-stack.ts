/** Per-test-file wiring on the shared real servers: own database, data dir and task queue. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { ActivityDeps } from '../../src/activities/index.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { openWorkerResources, type WorkerResources } from '../../src/workers/resources.js';
import { createWorkers, runWorkersUntil } from '../../src/workers/worker.js';
import { uniqueName } from './names.js';
import { testNamespace } from './namespaces.js';
import { prebuiltBundleEnv } from './prebuilt-bundle-env.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

/** A Config pointing at the shared servers with an isolated database and data directory. */
export async function testConfig(env: Record<string, string> = {}): Promise<Config> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-test-data-'));
  const mongo = new URL(inject('mongodbUrl'));
  mongo.pathname = `/${uniqueName('t')}`;
  return loadConfig(
    {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: testNamespace(),
      TEMPORAL_TASK_QUEUE: uniqueName('q'),
      MONGODB_URL: mongo.toString(),
      DATA_DIR: dataDir,
      STORAGE_MODE: 'local',
      LOG_LEVEL: 'warn',
      ...env,
    },
    DATASET_MODULES,
  );
}

/** Signs AWS SDK requests of this test process with the shared MinIO's credentials (default chain). */
export function useTestAwsCredentials(): { accessKeyId: string; secretAccessKey: string } {
  const credentials = { accessKeyId: inject('s3AccessKeyId'), secretAccessKey: inject('s3SecretAccessKey') };
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  return credentials;
}

/**
 * Variables for aws mode on the shared MinIO and DynamoDB Local, with a bucket and a table prefix
 * of its own (created on start), for testConfig(). Also sets the test process's AWS credentials.
 */
export function awsTestEnv(): Record<string, string> {
  useTestAwsCredentials();
  return {
    STORAGE_MODE: 'aws',
    S3_BUCKET: uniqueName('courant').replaceAll('_', '-'),
    S3_PREFIX: 'courant',
    AWS_REGION: 'us-east-1',
    S3_ENDPOINT: inject('s3Endpoint'),
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    DYNAMODB_TABLE_PREFIX: `${uniqueName('t')}_`,
    CREATE_STORAGE: 'true',
  };
}

export interface StartTestWorkerOptions {
  /** Replaces the activities' dependencies, e.g. to wrap the object store in a fault injector. */
  readonly deps?: (deps: ActivityDeps) => ActivityDeps;
  /** Where the storage layer logs (fallbacks, cache problems). */
  readonly logger?: Logger;
  /** Activities each worker runs at once: few, to show what fills them (default: the SDK's). */
  readonly activitySlots?: number;
}

export interface TestWorkerHarness {
  readonly config: Config;
  readonly client: Client;
  readonly resources: WorkerResources;
  /** Shuts the workers down, waits for them, closes every client and removes the data directory. */
  close(): Promise<void>;
}

/** Real workers (real activities, real storage) on their own task queues, running until close(). */
export async function startTestWorker(
  config: Config,
  options: StartTestWorkerOptions = {},
): Promise<TestWorkerHarness> {
  const resources = await openWorkerResources(config, options.logger);
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const workers = await createWorkers({
    connection: nativeConnection,
    client,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: options.deps ? options.deps(resources.deps) : resources.deps,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...(options.activitySlots ? { activitySlots: options.activitySlots } : {}),
  });
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const running = runWorkersUntil(workers, () => stopped);
  return {
    config,
    client,
    resources,
    async close() {
      stop();
      await running;
      await connection.close();
      await nativeConnection.close();
      await resources.close();
      await rm(config.storage.dataDir, { recursive: true, force: true });
    },
  };
}

/** The variables that point the real `courant` command at a harness's servers, database and data. */
export function cliEnv(config: Config): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    MONGODB_URL: config.storage.mongodbUrl,
    DATA_DIR: config.storage.dataDir,
    ...prebuiltBundleEnv(),
  };
}
