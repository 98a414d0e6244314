/**
 * Vélib' collected by the running stack: `courant schedules apply` (through the executable's entry,
 * in this process) creates the snapshot schedule (one slot a minute, as configured), which the test
 * then paces at a slot every ten seconds (the same definition, with the slot length no
 * configuration sets); a `courant worker` takes the GBFS feed in every slot, and the collection
 * goes on through a worker killed in the middle of a snapshot and through a restart of the
 * Temporal server (its own, with its history on disk) — every stored slot once, each taken within
 * its own slot, none made up for the slots the server was down.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/stack/ports.js';
import type { ManagedProcess } from '../../src/stack/process.js';
import { startTemporalDevServer } from '../../src/stack/servers.js';
import { resolveTool } from '../../src/stack/tools.js';
import { applySchedule, type ApplyResult } from '../../src/schedules/operations.js';
import { snapshotSchedule } from '../../src/schedules/snapshot-schedule.js';
import { slotStartSeconds } from '../../src/workflow-safe/slots.js';
import { uniqueName } from '../support/names.js';
import { runCommandLine } from '../support/run-cli.js';
import { startGbfsServer, type GbfsServer } from '../support/velib-gbfs.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';
import { readUntil } from '../support/deadlines.js';

const HOST = '127.0.0.1';
const SCHEDULE_ID = uniqueName('snapshots');
const SLOT_SECONDS = 10;
const SLOT_MS = SLOT_SECONDS * 1_000;

let gbfs: GbfsServer;
let workDir: string;
let temporal: ManagedProcess;
let ports: { port: number };
let env: Record<string, string>;
const workers: WorkerProcess[] = [];

function startTemporal(): Promise<ManagedProcess> {
  return startTemporalDevServer({
    cliPath: resolveTool('temporal'),
    host: HOST,
    ...ports,
    namespace: 'default',
    dbFile: path.join(workDir, 'temporal.db'),
    logDir: workDir,
  });
}

function started(): WorkerProcess {
  const worker = startWorkerProcess(env);
  workers.push(worker);
  return worker;
}

/** The stored snapshots of a source (the status by default): slot name → the instant each was taken (from its `.meta.json`). */
async function statusSlots(source = 'velib'): Promise<Map<string, { date: string; takenAt: number }>> {
  const root = path.join(workDir, 'data', 'raw', 'cityflow-velib');
  const slots = new Map<string, { date: string; takenAt: number }>();
  const days = await readdir(root).catch(() => [] as string[]);
  for (const day of days) {
    const folder = path.join(root, day, source);
    for (const file of (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.meta.json'))) {
      const meta = JSON.parse(await readFile(path.join(folder, file), 'utf8')) as { fetchedAt: string };
      const date = day.slice('dt='.length);
      slots.set(`${date} ${file.slice(0, -'.json.meta.json'.length)}`, { date, takenAt: Date.parse(meta.fetchedAt) });
    }
  }
  return slots;
}

async function waitForSlots(count: number, source = 'velib'): Promise<void> {
  const stored = await readUntil(
    async () => (await statusSlots(source)).size,
    (size) => size >= count,
    500,
  );
  if (stored < count) throw new Error(`fewer than ${count} slots stored within the wait's deadline`);
}

/**
 * Paces the applied schedule at a slot every SLOT_SECONDS, through the same definition and `apply`
 * that `courant schedules apply` runs. A run the minute schedule started meanwhile (no worker has
 * taken it yet) is ended: it stands for a minute slot, which this test does not collect.
 */
async function paceSchedule(): Promise<ApplyResult> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '' });
  try {
    const client = new Client({ connection });
    const settings = { scheduleId: SCHEDULE_ID, everyMinutes: 1, taskQueue: env.TEMPORAL_TASK_QUEUE ?? '' };
    const result = await applySchedule(client, snapshotSchedule(settings, { everySeconds: SLOT_SECONDS }));
    const { info } = await client.schedule.getHandle(SCHEDULE_ID).describe();
    for (const { workflow } of info.runningActions)
      await client.workflow.getHandle(workflow.workflowId).terminate('started before the schedule was paced');
    return result;
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  gbfs = await startGbfsServer();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'courant-velib-collector-'));
  ports = { port: await freePort() };
  temporal = await startTemporal();
  const mongo = new URL(inject('mongodbUrl'));
  mongo.pathname = `/${uniqueName('velib')}`;
  env = {
    TEMPORAL_ADDRESS: `${HOST}:${ports.port}`,
    TEMPORAL_TASK_QUEUE: uniqueName('velib'),
    MONGODB_URL: mongo.toString(),
    DATA_DIR: path.join(workDir, 'data'),
    STORAGE_MODE: 'local',
    ...prebuiltBundleEnv(),
    CITYFLOW_VELIB_COLLECT: 'true',
    VELIB_GBFS_BASE_URL: gbfs.baseUrl,
    SNAPSHOT_SCHEDULE_ID: SCHEDULE_ID,
    SNAPSHOT_EVERY_MINUTES: '1',
    SCHEDULE_ID: uniqueName('daily'),
    INBOX_SCAN_SCHEDULE_ID: uniqueName('inbox'),
    REVISED_DAYS_SCHEDULE_ID: uniqueName('revised'),
    BILLING_SCHEDULE_ID: uniqueName('billing'),
  };
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await temporal.stop();
  await gbfs.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('the Vélib snapshot collector on the running stack', () => {
  it('takes a slot every slot through a worker kill and a server restart, each slot once and in its own slot', async () => {
    const applied = await runCommandLine(['schedules', 'apply'], env);
    expect(applied.stdout).toContain(`schedule ${SCHEDULE_ID} created`);
    const described = (await runCommandLine(['schedules', 'describe'], env)).stdout;
    expect(described).toMatch(new RegExp(`schedule ${SCHEDULE_ID}\\n  every +1m\\n  workflow +collectSnapshots`));

    expect((await paceSchedule()).action).toBe('updated');
    const redescribed = (await runCommandLine(['schedules', 'describe'], env)).stdout;
    expect(redescribed).toMatch(
      new RegExp(`schedule ${SCHEDULE_ID}\\n  every +${SLOT_SECONDS}s\\n  workflow +collectSnapshots`),
    );

    let worker = started();
    await worker.ready;
    await waitForSlots(1);
    // The station list is taken until the day has it: an answer late for its slot (a worker that
    // started late in a slot on a busy machine) is not stored, and the next slot asks again.
    await waitForSlots(1, 'velib-stations');
    const stationListRequests = gbfs.requests.information;

    // A worker killed while the feed is answering: the next worker takes the slot again.
    const held = gbfs.hold();
    await held.arrived;
    const beforeKill = (await statusSlots()).size;
    await worker.kill('SIGKILL');
    held.release();
    worker = started();
    await worker.ready;
    await waitForSlots(beforeKill + 1);

    // The server down for more than a slot: the slots it missed stay empty; collection resumes.
    await temporal.stop();
    const downFrom = Date.now();
    await sleep(SLOT_MS * 1.5);
    const downTo = Date.now();
    temporal = await startTemporal();
    const beforeRestart = (await statusSlots()).size;
    await waitForSlots(beforeRestart + 1);

    const slots = await statusSlots();
    for (const [key, { date, takenAt }] of slots) {
      const start = slotStartSeconds(date, key.split(' ')[1] ?? '', SLOT_SECONDS);
      expect(start, key).not.toBeNull();
      expect(takenAt - (start?.getTime() ?? 0), key).toBeGreaterThanOrEqual(0);
      expect(takenAt - (start?.getTime() ?? 0), key).toBeLessThan(SLOT_MS);
      expect(takenAt < downFrom || takenAt > downTo, key).toBe(true);
    }
    expect(gbfs.requests.information).toBe(stationListRequests);
    expect((await statusSlots('velib-stations')).size).toBe(new Set([...slots.values()].map((slot) => slot.date)).size);

    const client = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '' }) });
    await client.schedule.getHandle(SCHEDULE_ID).delete();
    await client.connection.close();
  });
});
