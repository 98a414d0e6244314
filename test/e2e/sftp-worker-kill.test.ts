/**
 * A worker killed while it fetches a delivery from the SFTP server (a real sshd, a real `courant
 * worker` process): nothing half-read reaches the inbox nor the records, and the next pickup, by
 * another worker, fetches the file once and ingests it.
 */
import { readdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SftpPickupOutput } from '../../src/workflow-safe/ingest.js';
import { inboxKeys } from '../../src/workflow-safe/keys.js';
import { keyEnvOf, largeEncryptedFixture, TEST_DELIVERY_KEY } from '../support/enedis-deliveries.js';
import { uniqueName } from '../support/names.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';
import { startTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { testNamespace } from '../support/namespaces.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';

/** The delivery: an R151 with 4 MiB stored beside it, so that its download takes many round trips. */
const NAME = 'ENEDIS_R151_17X100A100A0001A_GRD-F121_0123456789_00007_Q_00001_00001_20250102030405.zip';
const SIZE = 4 * 1024 * 1024;

let server: SftpTestServer;
let gate: TcpGate;
let connection: Connection;
let dataDir: string;
let tmpDir: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  server = await startSftpServer();
  gate = await startTcpGate({ host: server.host, port: server.port });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-kill-'));
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-kill-tmp-'));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await connection.close();
  await gate.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(tmpDir, { recursive: true, force: true });
});

/** Partial downloads under the worker's scratch folders. */
async function partialDownloads(): Promise<string[]> {
  const entries = await readdir(tmpDir, { recursive: true });
  return entries.filter((e) => e.endsWith('download.part')).map((e) => path.join(tmpDir, e));
}

describe('a worker killed during an SFTP download', () => {
  it('leaves nothing half-read in the inbox, and the next pickup fetches the file once', async () => {
    await writeFile(path.join(server.remoteDir, NAME), await largeEncryptedFixture('electricore_r151.xml', SIZE));
    const mongo = new URL(inject('mongodbUrl'));
    mongo.pathname = `/${uniqueName('sftp-kill')}`;
    const base = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: testNamespace(),
      TEMPORAL_TASK_QUEUE: uniqueName('q'),
      MONGODB_URL: mongo.toString(),
      DATA_DIR: dataDir,
      STORAGE_MODE: 'local',
      ...prebuiltBundleEnv(),
      ...keyEnvOf(TEST_DELIVERY_KEY),
    };
    const gatePort = Number(gate.address.split(':')[1]);
    const first = startWorkerProcess({ ...base, ...server.enedisEnv(gatePort), TMPDIR: tmpDir });
    workers.push(first);
    await first.ready;

    const client = new Client({ connection, namespace: testNamespace() });
    const pickUp = (id: string) =>
      client.workflow.start<() => Promise<SftpPickupOutput>>('sftpPickup', {
        taskQueue: base.TEMPORAL_TASK_QUEUE,
        workflowId: id,
      });
    // The server's answers stop after 1 MiB: the download stalls part-way, then the worker dies.
    gate.holdDownstreamAfter(1024 * 1024);
    const stalled = await pickUp(uniqueName('pickup'));
    let partial: string[] = [];
    while (!gate.downstreamHeld() || partial.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      partial = await partialDownloads();
    }
    const [part] = partial;
    expect((await stat(part ?? '')).size).toBeLessThan(SIZE);
    await first.kill('SIGKILL');
    await stalled.terminate('the worker running it was killed; the next pickup takes over');

    const files = new MongoClient(mongo.toString());
    try {
      const inbox = path.join(dataDir, inboxKeys.folder('enedis'));
      expect(await readdir(inbox).catch(() => [])).toEqual([]);
      expect(await files.db().collection('sftp_files').countDocuments()).toBe(0);

      const second = startWorkerProcess({ ...base, ...server.enedisEnv() });
      workers.push(second);
      await second.ready;
      const output = await (await pickUp(uniqueName('pickup'))).result();
      expect(output.started).toHaveLength(1);
      await client.workflow.getHandle(output.started[0] ?? '').result();
      expect(await files.db().collection('sftp_files').find().toArray()).toEqual([
        expect.objectContaining({
          name: NAME,
          inboxKey: expect.stringMatching(new RegExp(`^inbox/enedis/[0-9a-f]{16}-${NAME}$`)) as unknown,
        }),
      ]);
      expect(await readdir(inbox).catch(() => [])).toEqual([]);
      expect((await (await pickUp(uniqueName('pickup'))).result()).started).toEqual([]);
      // The key and the private key never reach the logs.
      for (const worker of [first, second]) {
        expect(worker.output()).not.toContain(TEST_DELIVERY_KEY.keyHex);
        expect(worker.output()).not.toContain(server.privateKey.split('\n')[1]);
      }
    } finally {
      await files.close();
    }
  });
});
