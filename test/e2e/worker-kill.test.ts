/**
 * A worker killed with SIGKILL in the middle of a ranged backfill that `courant backfill --wait`
 * follows: a new worker finishes it, nothing doubled; the progress asked of the backfill is answered
 * while the new worker replays it, and its history, recorded under the kill, replays against the
 * bundle.
 */
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { progressQuery } from '../../src/workflow-safe/backfill-messages.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import type { BackfillWorkflow } from '../../src/workflow-safe/workflow-types.js';
import { startCourantProcess, type CourantProcess } from '../support/courant-process.js';
import { uniqueName } from '../support/names.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { startTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { testNamespace } from '../support/namespaces.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';

const FROM = '2022-03-20';
const TO = '2022-04-08';

let odre: OdreServer;
/** Between the workers and the source: held, the ranges wait in their downloads when the worker dies. */
let gate: TcpGate;
let dataDir: string;
let connection: Connection;
const processes: Array<WorkerProcess | CourantProcess> = [];

beforeAll(async () => {
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport(FROM, TO),
    'eco2mix-national-cons-def': emptyExport(),
  });
  const source = new URL(odre.baseUrl);
  gate = await startTcpGate({ host: source.hostname, port: Number(source.port) });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-kill-'));
  connection = await Connection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await connection.close();
  await gate.close();
  await odre.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a worker killed mid-range', () => {
  it('is replaced by a new worker that completes the backfill with no duplicated outputs or records', async () => {
    const mongo = new URL(inject('mongodbUrl'));
    mongo.pathname = `/${uniqueName('kill')}`;
    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: testNamespace(),
      TEMPORAL_TASK_QUEUE: uniqueName('q'),
      MONGODB_URL: mongo.toString(),
      DATA_DIR: dataDir,
      ECO2MIX_BASE_URL: `http://${gate.address}`,
      STORAGE_MODE: 'local',
      ...prebuiltBundleEnv(),
    };
    const first = startWorkerProcess(env);
    processes.push(first);
    await first.ready;

    gate.hold();
    const id = uniqueName('kill');
    const range = ['--mode', 'all', '--parallel', '2', '--days-per-run', '10'];
    const waiting = startCourantProcess(
      ['backfill', '--from', FROM, '--to', TO, ...range, '--id', id, '--wait'],
      env,
      (output) => output.includes(' started: '),
    );
    processes.push(waiting);
    await waiting.ready;
    const client = new Client({ connection, namespace: testNamespace() });
    const handle = client.workflow.getHandle<BackfillWorkflow>(workflowIds.backfill(id));
    // Both ranges of 10 days in flight, their downloads held at the source.
    let progress = await handle.query(progressQuery);
    while (progress.running.length < 20 || gate.heldBytes() === 0) {
      await sleep(100);
      progress = await handle.query(progressQuery);
    }
    await first.kill('SIGKILL');
    gate.release();

    const second = startWorkerProcess(env);
    processes.push(second);
    await second.ready;
    const summary = await handle.result();
    if (waiting.child.exitCode === null) await new Promise((resolve) => waiting.child.once('exit', resolve));

    expect(summary).toMatchObject({ planned: 20, succeeded: 20, failed: 0 });
    expect(waiting.child.exitCode).toBe(0);
    expect(waiting.output()).toMatch(/succeeded\s+20/);
    expect(waiting.output()).not.toContain('blocked: ');
    const processed = await readdir(path.join(dataDir, 'processed', 'eco2mix'));
    expect(processed.sort()).toEqual(datesInRange(FROM, TO).map((d) => `dt=${d}`));
    for (const dir of processed) {
      expect(await readdir(path.join(dataDir, 'processed', 'eco2mix', dir))).toEqual(['eco2mix_national.parquet']);
    }
    const db = await MongoClient.connect(env.MONGODB_URL);
    try {
      for (const collection of ['day_runs', 'metrics']) {
        expect(await db.db().collection(collection).countDocuments({}), collection).toBe(20);
      }
      // One daily report per day (monthly and annual reports have records of their own).
      expect(
        await db
          .db()
          .collection('reports')
          .countDocuments({ period: { $regex: '^\\d{4}-\\d{2}-\\d{2}$' } }),
      ).toBe(20);
      expect(await db.db().collection('day_runs').countDocuments({ status: 'succeeded', attempt: 1 })).toBe(20);
    } finally {
      await db.close();
    }
    const history = await handle.fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, id),
    ).resolves.toBeUndefined();
    if (process.env.RECORD_HISTORIES === '1') {
      await writeFile('test/replay/histories/backfill-worker-killed-mid-range.json', historyToJSON(history));
      const range = client.workflow.getHandle(workflowIds.range('eco2mix', FROM, '2022-03-29'));
      await writeFile('test/replay/histories/range-run-worker-killed.json', historyToJSON(await range.fetchHistory()));
    }
  });
});
