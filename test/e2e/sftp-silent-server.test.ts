/**
 * An SFTP host that accepts the connection and never speaks SSH, against a real `courant worker`
 * process and the real Temporal dev server: each pickup attempt fails as TransientIO once
 * SOURCE_TIMEOUT_MS has passed, and the worker process lives on to run the next attempt.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SftpPickupOutput } from '../../src/workflow-safe/ingest.js';
import { uniqueName } from '../support/names.js';
import { testNamespace } from '../support/namespaces.js';
import { startSilentServer, type SilentServer } from '../support/tcp-gate.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { ed25519KeyPair } from '../support/ssh-keys.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';

let silent: SilentServer;
let connection: Connection;
let dataDir: string;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  silent = await startSilentServer();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-silent-'));
});

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await connection.close();
  await silent.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The pickup activity's attempt now under way or next, and how its last attempt failed. */
async function pickupAttempts(client: Client, workflowId: string) {
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  const pending = raw.pendingActivities?.[0];
  return {
    attempt: pending?.attempt ?? 0,
    lastFailureType: pending?.lastFailure?.applicationFailureInfo?.type ?? null,
    lastFailure: pending?.lastFailure?.message ?? null,
  };
}

describe('an SFTP host that never speaks SSH', () => {
  it('fails each pickup attempt as transient, and the worker process lives on to run the next one', async () => {
    const mongo = new URL(inject('mongodbUrl'));
    mongo.pathname = `/${uniqueName('sftp-silent')}`;
    const taskQueue = uniqueName('q');
    const hostKey = ed25519KeyPair().public.split(' ').slice(0, 2).join(' ');
    worker = startWorkerProcess({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: testNamespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      MONGODB_URL: mongo.toString(),
      DATA_DIR: dataDir,
      STORAGE_MODE: 'local',
      ...prebuiltBundleEnv(),
      SOURCE_TIMEOUT_MS: '1000',
      ENEDIS_SFTP_HOST: '127.0.0.1',
      ENEDIS_SFTP_PORT: String(silent.port),
      ENEDIS_SFTP_USER: 'supplier',
      ENEDIS_SFTP_PRIVATE_KEY: ed25519KeyPair().private,
      ENEDIS_SFTP_KNOWN_HOSTS: `[127.0.0.1]:${silent.port} ${hostKey}`,
    });
    await worker.ready;
    const client = new Client({ connection, namespace: testNamespace() });
    const workflowId = uniqueName('sftp-pickup');
    await client.workflow.start<() => Promise<SftpPickupOutput>>('sftpPickup', { taskQueue, workflowId });
    try {
      const process = worker.child;
      // Two attempts over: the second ran on this same worker, after the first timed out.
      await expect
        .poll(async () => process.exitCode !== null || (await pickupAttempts(client, workflowId)).attempt >= 3, {
          interval: 200,
        })
        .toBe(true);
      expect({ exitCode: process.exitCode, signal: process.signalCode }).toEqual({ exitCode: null, signal: null });
      expect(silent.accepted()).toBeGreaterThanOrEqual(2);
      expect(await pickupAttempts(client, workflowId)).toMatchObject({
        lastFailureType: 'TransientIO',
        lastFailure: expect.stringMatching(
          /^SFTP supplier@127\.0\.0\.1:\d+: Timed out while waiting for handshake/,
        ) as unknown,
      });
      expect(worker.output()).not.toMatch(/Unhandled 'error' event|Connection lost before handshake/);
    } finally {
      await client.workflow.getHandle(workflowId).terminate('the test is over');
    }
  });
});
