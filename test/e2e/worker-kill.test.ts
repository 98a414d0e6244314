/** A worker killed with SIGKILL in the middle of a backfill: a new worker finishes it, nothing doubled. */
import { Client, Connection } from '@temporalio/client';
import { readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBackfill } from '../../src/client/start-backfill.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { progressQuery } from '../../src/workflow-safe/backfill-messages.js';
import { uniqueName } from '../support/names.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { testNamespace } from '../support/namespaces.js';

const FROM = '2022-03-20';
const TO = '2022-04-08';

let odre: OdreServer;
let dataDir: string;
let connection: Connection;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport(FROM, TO),
    'eco2mix-national-cons-def': emptyExport(),
  });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-kill-'));
  connection = await Connection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await connection.close();
  await odre.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a worker killed mid-backfill', () => {
  it('is replaced by a new worker that completes the backfill with no duplicated outputs or records', async () => {
    const mongo = new URL(inject('mongodbUrl'));
    mongo.pathname = `/${uniqueName('kill')}`;
    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: testNamespace(),
      TEMPORAL_TASK_QUEUE: uniqueName('q'),
      MONGODB_URL: mongo.toString(),
      DATA_DIR: dataDir,
      ECO2MIX_BASE_URL: odre.baseUrl,
      STORAGE_MODE: 'local',
    };
    const first = startWorkerProcess(env);
    workers.push(first);
    await first.ready;

    const client = new Client({ connection, namespace: testNamespace() });
    const handle = await startBackfill(
      client,
      // Per day: the kill lands between days in flight (a range's days finish together).
      { from: FROM, to: TO, mode: 'all', parallel: 2, perDay: true },
      uniqueName('kill'),
      env.TEMPORAL_TASK_QUEUE,
    );
    let progress = await handle.query(progressQuery);
    while (progress.succeeded < 5) {
      await sleep(100);
      progress = await handle.query(progressQuery);
    }
    await first.kill('SIGKILL');
    const inFlight = progress.running.length;

    const second = startWorkerProcess(env);
    workers.push(second);
    await second.ready;
    const summary = await handle.result();

    expect(inFlight).toBeGreaterThan(0);
    expect(summary).toMatchObject({ planned: 20, succeeded: 20, failed: 0 });
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
  });
});
