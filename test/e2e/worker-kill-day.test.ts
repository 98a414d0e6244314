/**
 * A worker killed with SIGKILL in the middle of a local activity (the day's record keeping, held
 * waiting on the document store): a new worker runs it again and finishes the day once, with the
 * same outputs as a day nobody interrupted.
 */
import { Client, Connection } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { uniqueName } from '../support/names.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { startTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { testNamespace } from '../support/namespaces.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';

const DAY = '2022-03-27';
const REALTIME = 'eco2mix-national-tr';
/** The day's outputs, compared byte for byte between the interrupted and the uninterrupted run. */
const OUTPUTS = [
  `processed/eco2mix/dt=${DAY}/eco2mix_national.parquet`,
  `metrics/eco2mix/dt=${DAY}/metrics.json`,
  `quarantine/eco2mix/dt=${DAY}/eco2mix_national.rejects.jsonl`,
  `reports/dt=${DAY}/daily_report.json`,
  `reports/dt=${DAY}/daily_report.csv`,
];

let odre: OdreServer;
let gate: TcpGate;
let connection: Connection;
const dirs: string[] = [];
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  odre = await startOdreServer({
    [REALTIME]: syntheticRealtimeExport(DAY, DAY),
    'eco2mix-national-cons-def': emptyExport(),
  });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  const mongo = new URL(inject('mongodbUrl'));
  gate = await startTcpGate({ host: mongo.hostname, port: Number(mongo.port) });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await connection.close();
  await gate.close();
  await odre.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface WorkerEnv extends Record<string, string> {
  readonly TEMPORAL_TASK_QUEUE: string;
  readonly MONGODB_URL: string;
  readonly DATA_DIR: string;
}

/** A worker's own task queue, database and data directory; its document store behind `via` when given. */
async function workerEnv(name: string, via?: TcpGate): Promise<WorkerEnv> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `courant-${name}-`));
  dirs.push(dataDir);
  const mongo = new URL(inject('mongodbUrl'));
  mongo.pathname = `/${uniqueName(name)}`;
  if (via) mongo.host = via.address;
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: testNamespace(),
    TEMPORAL_TASK_QUEUE: uniqueName(name),
    MONGODB_URL: mongo.toString(),
    DATA_DIR: dataDir,
    ECO2MIX_BASE_URL: odre.baseUrl,
    STORAGE_MODE: 'local',
    ...prebuiltBundleEnv(),
  };
}

function started(env: Record<string, string>): WorkerProcess {
  const worker = startWorkerProcess(env);
  workers.push(worker);
  return worker;
}

async function outputHashes(env: WorkerEnv): Promise<string[]> {
  return Promise.all(
    OUTPUTS.map(async (key) =>
      createHash('sha256')
        .update(await readFile(path.join(env.DATA_DIR, key)))
        .digest('hex'),
    ),
  );
}

/** The day records of the worker's database, read directly (not through the gate). */
async function dayRuns(env: WorkerEnv) {
  const direct = new URL(inject('mongodbUrl'));
  direct.pathname = new URL(env.MONGODB_URL).pathname;
  const db = await MongoClient.connect(direct.toString());
  try {
    return await db.db().collection('day_runs').find({}).toArray();
  } finally {
    await db.close();
  }
}

describe('a worker killed during a local activity', () => {
  it('is replaced by a new worker that runs it again and completes the day once, with identical outputs', async () => {
    const client = new Client({ connection, namespace: testNamespace() });

    const reference = await workerEnv('uninterrupted');
    const referenceWorker = started(reference);
    await referenceWorker.ready;
    await (await startDay(client, { date: DAY, runKind: 'manual', taskQueue: reference.TEMPORAL_TASK_QUEUE })).result();
    await referenceWorker.kill('SIGTERM');

    // The document store is held: the day's first local activity (its record's start) waits on it,
    // inside the child's workflow task, when the worker is killed.
    const env = await workerEnv('killed', gate);
    const first = started(env);
    await first.ready;
    gate.hold();
    const handle = await startDay(client, { date: DAY, runKind: 'manual', taskQueue: env.TEMPORAL_TASK_QUEUE });
    const child = client.workflow.getHandle(workflowIds.datasetDay('eco2mix', DAY));
    // The child's workflow task under way (its latest workflow task event is its start): the
    // local activity waits inside it. A task already completed would leave nothing to time out.
    const childInTask = async () => {
      try {
        const events = (await child.fetchHistory()).events ?? [];
        const last = events.findLast(
          (e) =>
            e.workflowTaskStartedEventAttributes ??
            e.workflowTaskCompletedEventAttributes ??
            e.workflowTaskTimedOutEventAttributes ??
            e.workflowTaskFailedEventAttributes,
        );
        return (
          last?.workflowTaskStartedEventAttributes !== undefined && last.workflowTaskStartedEventAttributes !== null
        );
      } catch {
        return false;
      }
    };
    while (!(await childInTask()) || gate.heldBytes() === 0) await sleep(100);
    await sleep(500);
    await first.kill('SIGKILL');
    gate.release();

    const second = started(env);
    await second.ready;
    await handle.result();

    const events = (await child.fetchHistory()).events ?? [];
    expect(events.some((e) => e.workflowTaskTimedOutEventAttributes ?? e.workflowTaskFailedEventAttributes)).toBe(true);
    const markers = events.flatMap((e) => e.markerRecordedEventAttributes?.markerName ?? []);
    expect(markers.filter((m) => m === 'core_local_activity').length).toBeGreaterThanOrEqual(3);

    expect(await outputHashes(env)).toEqual(await outputHashes(reference));
    const runs = await dayRuns(env);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ dataset: 'eco2mix', date: DAY, status: 'succeeded', attempt: 1, stage: 'done' });
  });
});
