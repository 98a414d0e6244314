/** AWS SDK clients and stores on the shared MinIO and DynamoDB Local, for storage tests. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { freePort } from '../../src/stack/ports.js';
import type { ManagedProcess } from '../../src/stack/process.js';
import { startDynamoDbLocal, startMinio } from '../../src/stack/servers.js';
import { resolveDynamoDbLocal, resolveTool } from '../../src/stack/tools.js';
import { createLogger } from '../../src/workers/logger.js';
import { createDynamoDbClient, createS3Client } from '../../src/storage/aws-clients.js';
import { S3ObjectStore } from '../../src/storage/s3-object-store.js';
import { uniqueName } from './names.js';
import { useTestAwsCredentials } from './test-stack.js';

export const TEST_REGION = 'us-east-1';

/** An S3 client on `endpoint` (the shared MinIO by default), signing with the test credentials. */
export function testS3Client(endpoint: string = inject('s3Endpoint')): S3Client {
  useTestAwsCredentials();
  return createS3Client({ region: TEST_REGION, endpoint });
}

export function testDynamoDbClient(endpoint: string = inject('dynamodbEndpoint')): DynamoDBClient {
  useTestAwsCredentials();
  return createDynamoDbClient({ region: TEST_REGION, endpoint });
}

/** A bucket name no other test uses. */
export function uniqueBucket(): string {
  return uniqueName('courant').replaceAll('_', '-');
}

/** An S3ObjectStore on a new bucket (created) with 5 MiB upload parts, so that 12 MiB goes multipart. */
export async function newS3Store(client: S3Client, prefix = 'courant'): Promise<S3ObjectStore> {
  const store = new S3ObjectStore(client, uniqueBucket(), prefix, { partSizeBytes: 5 * 1024 * 1024 });
  await store.ensureBucket(true);
  return store;
}

/** Records the name of every command a client sends (e.g. `GetObjectCommand`). */
export function recordCommands(client: S3Client | DynamoDBClient): string[] {
  const sent: string[] = [];
  (client as S3Client).middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: `record-commands-${sent.length}-${Math.random()}` },
  );
  return sent;
}

/** A server of one test file's own, that the test may stop and start again (same port, same data). */
export interface PrivateServer {
  readonly endpoint: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  close(): Promise<void>;
}

/** A MinIO of one test file's own, with the shared MinIO's credentials. */
export async function startPrivateMinio(): Promise<PrivateServer> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'courant-minio-'));
  const options = {
    binary: resolveTool('minio'),
    host: '127.0.0.1',
    port: await freePort(),
    dataDir: path.join(workDir, 'data'),
    logDir: workDir,
    rootUser: inject('s3AccessKeyId'),
    rootPassword: inject('s3SecretAccessKey'),
  };
  let server: ManagedProcess | undefined = await startMinio(options);
  return {
    endpoint: `http://${options.host}:${options.port}`,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server ??= await startMinio(options);
    },
    async close() {
      await server?.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** A DynamoDB Local of one test file's own, on disk, that the test may stop and start again. */
export async function startPrivateDynamoDb(): Promise<PrivateServer> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'courant-dynamodb-'));
  const options = {
    ...resolveDynamoDbLocal(),
    host: '127.0.0.1',
    port: await freePort(),
    dbDir: path.join(workDir, 'db'),
    logDir: workDir,
  };
  let server: ManagedProcess | undefined = await startDynamoDbLocal(options);
  return {
    endpoint: `http://${options.host}:${options.port}`,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server ??= await startDynamoDbLocal(options);
    },
    async close() {
      await server?.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** A pino logger whose JSON lines are kept in memory, and the text of everything it logged. */
export function capturedLogger(level = 'debug'): {
  logger: Logger;
  lines: () => Array<Record<string, unknown>>;
  text: () => string;
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger(level, destination);
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
