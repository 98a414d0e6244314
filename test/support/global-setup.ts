/**
 * Starts the real servers once for the whole run, in parallel: the Temporal dev server (the
 * project's own CLI build, through TestWorkflowEnvironment.createLocal), the document store (an
 * existing MONGODB_URL that answers, else the embedded FerretDB on a free port), MinIO and
 * DynamoDB Local (aws mode), each on a free loopback port. Bundles the workflows once. Every
 * server started here is stopped at the end, also when start-up fails half-way.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes.js';
import { freePort, isListening } from '../../src/stack/ports.js';
import type { ManagedProcess } from '../../src/stack/process.js';
import { startDocumentStore, startDynamoDbLocal, startMinio } from '../../src/stack/servers.js';
import { resolveDynamoDbLocal, resolveTool } from '../../src/stack/tools.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    mongodbUrl: string;
    workflowBundlePath: string;
    /** MinIO's S3 endpoint, and the credentials clients sign with (root user / password). */
    s3Endpoint: string;
    s3AccessKeyId: string;
    s3SecretAccessKey: string;
    dynamodbEndpoint: string;
  }
}

async function existingMongo(): Promise<string | null> {
  const url = process.env.MONGODB_URL;
  if (!url) return null;
  const parsed = new URL(url);
  return (await isListening(parsed.hostname, Number(parsed.port || 27017))) ? url : null;
}

/** Runs every start in parallel; if any fails, stops the ones that started and rethrows. */
async function startAll<T extends readonly unknown[]>(
  starts: { [K in keyof T]: () => Promise<T[K]> },
  stop: (started: unknown) => Promise<void>,
): Promise<T> {
  const settled = await Promise.allSettled(starts.map((start) => start()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const s of settled) if (s.status === 'fulfilled') await stop(s.value);
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The AWS SDK warns once per process that its 2027 releases will need Node 22; tests run on 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'courant-test-stack-'));
  // DynamoDB Local 2.x accepts access key IDs of letters and digits only; MinIO accepts those too.
  const minioUser = `courant${randomBytes(6).toString('hex')}`;
  const minioPassword = randomBytes(18).toString('base64url');
  const [minioPort, dynamodbPort] = [await freePort(), await freePort()];
  const dynamodbLocal = resolveDynamoDbLocal();

  const stopOne = async (started: unknown): Promise<void> => {
    if (started instanceof TestWorkflowEnvironment) await started.teardown();
    else if (started && typeof started === 'object' && 'stop' in started) await (started as ManagedProcess).stop();
    else if (started && typeof started === 'object' && 'process' in started)
      await (started as { process?: ManagedProcess }).process?.stop();
  };
  const [temporal, mongo, minio, dynamodb, bundle] = await startAll<
    [TestWorkflowEnvironment, { url: string; process?: ManagedProcess }, ManagedProcess, ManagedProcess, string]
  >(
    [
      () =>
        TestWorkflowEnvironment.createLocal({
          server: {
            executable: { type: 'existing-path', path: resolveTool('temporal', process.env.TEMPORAL_CLI_PATH) },
            ip: '127.0.0.1',
            searchAttributes: [...SEARCH_ATTRIBUTES],
            log: { format: 'pretty', level: 'error' },
          },
        }),
      async () => {
        const existing = await existingMongo();
        if (existing) return { url: existing };
        const port = await freePort();
        const server = await startDocumentStore({
          binary: resolveTool('ferretdb'),
          host: '127.0.0.1',
          port,
          dataDir: path.join(workDir, 'ferretdb'),
          logDir: workDir,
        });
        return { url: `mongodb://127.0.0.1:${port}/courant`, process: server };
      },
      () =>
        startMinio({
          binary: resolveTool('minio'),
          host: '127.0.0.1',
          port: minioPort,
          dataDir: path.join(workDir, 'minio'),
          logDir: workDir,
          rootUser: minioUser,
          rootPassword: minioPassword,
        }),
      () =>
        startDynamoDbLocal({
          ...dynamodbLocal,
          host: '127.0.0.1',
          port: dynamodbPort,
          logDir: workDir,
        }),
      async () => {
        const bundlePath = path.join(workDir, 'workflow-bundle.js');
        await writeFile(bundlePath, (await bundleWorkflows()).code);
        return bundlePath;
      },
    ],
    stopOne,
  );

  project.provide('temporalAddress', temporal.address);
  project.provide('mongodbUrl', mongo.url);
  project.provide('workflowBundlePath', bundle);
  project.provide('s3Endpoint', `http://127.0.0.1:${minioPort}`);
  project.provide('s3AccessKeyId', minioUser);
  project.provide('s3SecretAccessKey', minioPassword);
  project.provide('dynamodbEndpoint', `http://127.0.0.1:${dynamodbPort}`);

  return async () => {
    await Promise.allSettled([temporal.teardown(), mongo.process?.stop(), minio.stop(), dynamodb.stop()]);
    await rm(workDir, { recursive: true, force: true });
  };
}
