/**
 * Deliveries as suppliers really receive them, on a real OpenSSH server, the real dev server and
 * document store: names that clean to the same inbox key are both ingested; a delivery refused for
 * its key and sent again under the same name and size is ingested, and its refusal retired; a
 * pickup triggered by hand while one runs waits for it instead of running beside it; entries the
 * server lists but cannot serve (a link to nothing, a folder) among good deliveries are recorded
 * and shown by `courant status` while the good ones are ingested, and fetched once fixed; a
 * connection cut mid-pickup ends in one batch of every delivery fetched; the inbox scan leaves a
 * file to its batch while the batch runs, however slow, and `courant status` names only an
 * ingestion that exists; a delivery put back with the same bytes is known, nothing left waiting;
 * names the store rewrites among 100 good deliveries are all left to their batch with the scan
 * running every second; a batch whose file another ingestion had first ingests the rest; a pickup
 * paused with its file just put into the inbox keeps it from the scan, and one stopped between its
 * record and its put has the file fetched again by the next pickup.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startIngest } from '../../src/client/start-ingest.js';
import type {
  IngestFilesInput,
  IngestFilesOutput,
  InboxScanOutput,
  SftpPickupOutput,
} from '../../src/workflow-safe/ingest.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDropActivities, type InboxFile } from '../../src/activities/drops.js';
import { createSftpActivities } from '../../src/activities/sftp-pickup.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { CourantMetrics } from '../../src/observability/metrics.js';
import { applySchedule } from '../../src/schedules/operations.js';
import { scheduleSettings } from '../../src/schedules/settings.js';
import { sftpPickupSchedule } from '../../src/schedules/sftp-pickup-schedule.js';
import { encrypted, keyEnvOf, TEST_DELIVERY_KEY, WRONG_DELIVERY_KEY, zipOf } from '../support/enedis-deliveries.js';
import { inboxKeys, storageKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { r151Flow } from '../support/enedis-flows.js';
import { byKeyOnly } from '../support/by-key-records.js';
import { uniqueName } from '../support/names.js';
import { runCommandLine } from '../support/run-cli.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';
import { startTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

let server: SftpTestServer;
let harness: TestWorkerHarness;
let gate: TcpGate;
let dir: string;
/** What the worker was configured with beyond the test stack, for the command lines too. */
let env: Record<string, string>;
/** The worker's metrics, as a worker with METRICS_ADDRESS keeps them. */
const metrics = new CourantMetrics({
  datasets: [{ name: 'enedis', dueHours: 36 }],
  codeVersion: 'test',
  cacheEnabled: false,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-deliveries-'));
  server = await startSftpServer();
  gate = await startTcpGate({ host: '127.0.0.1', port: server.port });
  env = {
    ...keyEnvOf(TEST_DELIVERY_KEY),
    ...server.enedisEnv(Number(gate.address.split(':')[1])),
    SFTP_PICKUP_SCHEDULE_ID: uniqueName('sftp-pickup'),
    SFTP_PICKUP_EVERY_SECONDS: '86400',
    // A pickup held at the gate for the whole test stays connecting, never timed out.
    SOURCE_TIMEOUT_MS: '600000',
  };
  harness = await startTestWorker(await testConfig(env), { deps: (deps) => ({ ...deps, metrics }) });
});

afterAll(async () => {
  await harness.close();
  await gate.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** An encrypted R151 zip of one PRM's indexes at the end of two days. */
function delivery(prm: string, day: string, next: string, key = TEST_DELIVERY_KEY): Buffer {
  const flow = r151Flow([
    { prm, date: day, wh: { BASE: 5_000_000 } },
    { prm, date: next, wh: { BASE: 5_004_000 } },
  ]);
  return encrypted(zipOf({ 'R151.xml': new TextEncoder().encode(flow) }), key);
}

/** Puts a file on the server as written `agoSeconds` ago (deliveries are whole once listed). */
async function deliver(name: string, bytes: Uint8Array, agoSeconds = 3600): Promise<void> {
  const file = path.join(server.remoteDir, name);
  await writeFile(file, bytes);
  const at = new Date(Date.now() - agoSeconds * 1000);
  await utimes(file, at, at);
}

async function pickUp(): Promise<{ output: SftpPickupOutput; ingested: PromiseSettledResult<unknown>[] }> {
  const output = await harness.client.workflow.execute<() => Promise<SftpPickupOutput>>('sftpPickup', {
    taskQueue: harness.config.temporal.taskQueue,
    workflowId: uniqueName('sftp-pickup'),
  });
  const ingested = await Promise.allSettled(output.started.map((id) => harness.client.workflow.getHandle(id).result()));
  return { output, ingested };
}

/** The days' inputs of `enedis` over the range: which files each day read. */
async function inputsOf(from: string, to: string): Promise<string[]> {
  const runs = await harness.resources.deps.records.listDayRuns({ from, to, datasets: ['enedis'] });
  return runs.flatMap((run) => run.inputs.map((input) => input.key));
}

describe('deliveries named alike', () => {
  it('are all fetched and ingested, each under a key of its own content', async () => {
    const long = 'x'.repeat(130);
    const names = ['R151 a.zip', 'R151_a.zip', `A${long}.zip`, `B${long}.zip`];
    for (const [i, name] of names.entries())
      await deliver(name, delivery(String(40_000_000_000_000 + i), '2019-04-02', '2019-04-03'));
    const { output, ingested } = await pickUp();
    expect(output.started).toHaveLength(1);
    expect(ingested.map((r) => r.status)).toEqual(['fulfilled']);
    const batch = ingested[0]?.status === 'fulfilled' ? (ingested[0].value as IngestFilesOutput) : null;
    expect(new Set(batch?.ingested).size).toBe(names.length);
    const records = await harness.resources.deps.records.listSftpFiles('enedis');
    expect(new Set(records.filter((r) => names.includes(r.name)).map((r) => r.inboxKey)).size).toBe(names.length);
    // Each delivery's readings reached its days: four files claimed into each.
    const claimed = await inputsOf('2019-04-02', '2019-04-04');
    expect(new Set(claimed).size).toBeGreaterThanOrEqual(names.length);
    // Each one's delay from the server to its days' records is observed once it leaves the inbox.
    const delay = await metrics.registry.getSingleMetricAsString('courant_sftp_delivery_delay_seconds');
    const observed = /courant_sftp_delivery_delay_seconds_count\{dataset="enedis"\} (\d+)/.exec(delay)?.[1];
    expect(Number(observed)).toBeGreaterThanOrEqual(names.length);
  });
});

describe('a delivery refused for its key, then sent again under the same name and size', () => {
  it('is ingested, and the refusal is retired from quarantine and from courant status', async () => {
    const name = 'ENEDIS_R151_resent_00001_20190501000000.zip';
    const refused = delivery('40000000000100', '2019-05-01', '2019-05-02', WRONG_DELIVERY_KEY);
    await deliver(name, refused, 7200);
    const first = await pickUp();
    expect(first.output.started).toHaveLength(1);
    expect(first.ingested[0]?.status).toBe('rejected');
    const status = () =>
      runCommandLine(['status', '--from', '2019-05-01', '--to', '2019-05-03'], cliEnv(harness.config));
    expect((await status()).stdout).toContain(name);

    const right = delivery('40000000000100', '2019-05-01', '2019-05-02');
    expect(right.length).toBe(refused.length);
    await deliver(name, right, 3600);
    const second = await pickUp();
    expect(second.output).toMatchObject({ skipped: 0 });
    expect(second.output.started).toHaveLength(1);
    expect(second.ingested.map((r) => r.status)).toEqual(['fulfilled']);

    const objects = harness.resources.deps.objects;
    expect((await objects.list('quarantine/enedis/inbox')).map((o) => o.key).filter((k) => k.includes(name))).toEqual(
      [],
    );
    const retired = (await objects.list('quarantine/enedis/retired')).filter((o) =>
      o.key.endsWith(`${name}.reason.json`),
    );
    expect(retired).toHaveLength(1);
    const reason = JSON.parse(new TextDecoder().decode(await objects.get(retired[0]?.key ?? ''))) as Record<
      string,
      unknown
    >;
    expect(reason).toMatchObject({ droppedAs: name, retiredBy: expect.stringContaining(name) as unknown });
    const after = await status();
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).not.toContain(name);
  });
});

describe('a round holding a refused delivery among good ones', () => {
  it('ingests the good ones, quarantines the refused one, and the batch fails naming it', async () => {
    const good = ['ENEDIS_R151_mixed_00001_20190701000000.zip', 'ENEDIS_R151_mixed_00002_20190701000000.zip'];
    const bad = 'ENEDIS_R151_mixed_00003_20190701000000.zip';
    for (const [i, name] of good.entries())
      await deliver(name, delivery(String(40_000_000_000_300 + i), '2019-07-01', '2019-07-02'));
    await deliver(bad, delivery('40000000000399', '2019-07-01', '2019-07-02', WRONG_DELIVERY_KEY));
    const { output, ingested } = await pickUp();
    expect(output.started).toHaveLength(1);
    const [batch] = ingested;
    expect(batch?.status).toBe('rejected');
    const message = batch?.status === 'rejected' ? String((batch.reason as Error).cause) : '';
    expect(message).toContain('1 of 3 files of the batch were not ingested');
    expect(message).toContain(bad);
    // A wrong key whose first block happens to look like XML (about once in 256) fails on its padding: named too.
    expect(message).toMatch(/wrong AES key or IV/);
    // The good ones reached their days and left the inbox; the refused one is in quarantine.
    const claimed = await inputsOf('2019-07-01', '2019-07-03');
    expect(claimed.length).toBeGreaterThanOrEqual(good.length);
    const inbox = (await harness.resources.deps.objects.list('inbox/enedis')).map((o) => o.key);
    expect(inbox.filter((key) => key.includes('_mixed_'))).toEqual([]);
    const quarantined = await harness.resources.deps.objects.list('quarantine/enedis/inbox');
    expect(quarantined.filter((o) => o.key.endsWith(`${bad}.reason.json`))).toHaveLength(1);
  });
});

describe('entries the server lists but cannot serve, among good deliveries', () => {
  it('ingests the good ones, names the bad ones in courant status and the metrics, and fetches them once fixed', async () => {
    const name = (n: number) => `ENEDIS_R151_unserved_0000${n}_20190901000000.zip`;
    const [good1, link, folder, good2] = [1, 2, 3, 4].map(name);
    const target = path.join(dir, 'unserved-target.zip');
    await deliver(good1 ?? '', delivery('40000000000601', '2019-09-01', '2019-09-02'));
    await deliver(good2 ?? '', delivery('40000000000604', '2019-09-01', '2019-09-02'));
    await symlink(target, path.join(server.remoteDir, link ?? ''));
    await mkdir(path.join(server.remoteDir, folder ?? ''));
    const status = async () => {
      const r = await runCommandLine(['status', '--from', '2019-09-01', '--to', '2019-09-02'], cliEnv(harness.config));
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    const gauge = async (metric: string) =>
      Number(
        new RegExp(`${metric}\\{dataset="enedis"\\} (\\d+)`).exec(
          await metrics.registry.getSingleMetricAsString(metric),
        )?.[1],
      );

    const faultsBefore = await gauge('courant_sftp_file_faults_total');
    const first = await pickUp();
    expect(first.ingested.map((r) => r.status)).toEqual(['fulfilled']);
    const batch = first.ingested[0]?.status === 'fulfilled' ? (first.ingested[0].value as IngestFilesOutput) : null;
    expect(batch?.ingested.map((key) => key.replace(/^inbox\/enedis\/[0-9a-f]{16}-/, ''))).toEqual([good1, good2]);
    expect(await harness.resources.deps.records.getDayRun('enedis', '2019-09-01')).toMatchObject({
      status: 'succeeded',
    });
    const shown = await status();
    expect(shown).toMatch(/Files the SFTP server lists but could not serve \(2\)/);
    expect(shown).toContain(`enedis  ${link}  a symbolic link: No such file (SFTP status 2)  (1 try since`);
    expect(shown).toContain(`enedis  ${folder}  a folder, not a file: Failure (SFTP status 4)  (1 try since`);
    expect((await gauge('courant_sftp_file_faults_total')) - faultsBefore).toBe(2);
    expect(await gauge('courant_sftp_unserved_files')).toBe(2);

    // The link's target, outside the folder, written an hour ago: the link now reads as a settled delivery.
    await writeFile(target, delivery('40000000000602', '2019-09-01', '2019-09-02'));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(target, hourAgo, hourAgo);
    await rm(path.join(server.remoteDir, folder ?? ''), { recursive: true });
    await deliver(folder ?? '', delivery('40000000000603', '2019-09-01', '2019-09-02'));
    const fixed = await pickUp();
    expect(fixed.ingested.map((r) => r.status)).toEqual(['fulfilled']);
    const again = fixed.ingested[0]?.status === 'fulfilled' ? (fixed.ingested[0].value as IngestFilesOutput) : null;
    expect(again?.ingested.map((key) => key.replace(/^inbox\/enedis\/[0-9a-f]{16}-/, ''))).toEqual([link, folder]);
    expect(await status()).not.toContain('could not serve');
    expect(await gauge('courant_sftp_unserved_files')).toBe(0);
  });
});

describe('the inbox scan beside the SFTP pickup', () => {
  it("leaves a file the pickup fetched to the pickup's batch while it shows life, however slow, and takes a file dropped by hand", async () => {
    const name = 'ENEDIS_R151_scanned_00001_20190801000000.zip';
    await deliver(name, delivery('40000000000500', '2019-08-01', '2019-08-02'));
    const { deps } = harness.resources;
    // Fetched as a pickup fetches and handed to its batch, not started yet; and a file dropped by hand beside it.
    const pickUpSftp = createSftpActivities(deps, harness.client.workflow).pickUpSftp;
    const [fetched]: InboxFile[] = await new MockActivityEnvironment().run(pickUpSftp, { dataset: 'enedis' });
    const key = fetched?.key ?? '';
    const batch = workflowIds.ingestBatch('enedis', [key]);
    await deps.objects.put(
      'inbox/enedis/by-hand.xml',
      r151Flow([{ prm: '40000000000501', date: '2019-08-01', wh: { BASE: 1 } }]),
    );
    // The scan looks up the records of the files in the inbox by key, never the whole history.
    const listInbox = createDropActivities(
      { ...deps, records: byKeyOnly(deps.records) },
      harness.client.workflow,
    ).listInbox;
    const scanned = async () =>
      (
        await new MockActivityEnvironment().run<[{ limit: number }], InboxFile[], typeof listInbox>(listInbox, {
          limit: 200,
        })
      ).map((f) => f.key);
    const status = async () => {
      const r = await runCommandLine(['status', '--from', '2019-08-01', '--to', '2019-08-02'], cliEnv(harness.config));
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n').find((line) => line.includes(name)) ?? '';
    };
    try {
      const record = await deps.records.getSftpFile('enedis', name);
      expect(record).toMatchObject({ inboxKey: key, batch });
      expect(await scanned()).toContain('inbox/enedis/by-hand.xml');
      expect(await scanned()).not.toContain(key);
      // No ingestion of it exists yet: courant status names none.
      expect(await status()).toContain('no ingestion yet');
      expect(await status()).not.toMatch(/ingest(-batch)?\//);

      // Handed over two hours ago to a batch the server never came to know: the scan takes it.
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
      if (!record) throw new Error(`no record of ${name}`);
      await deps.records.putSftpFile({ ...record, fetchedAt: twoHoursAgo, handedAt: twoHoursAgo });
      expect(await scanned()).toContain(key);

      // The same, its batch running (slow: no worker polls its queue): left to it, and no pickup hands it again.
      const slow = await harness.client.workflow.start('ingestFiles', {
        taskQueue: uniqueName('unpolled'),
        workflowId: batch,
        args: [{ dataset: 'enedis', files: [{ inboxKey: key, name }] }],
      });
      try {
        expect(await scanned()).not.toContain(key);
        expect(await new MockActivityEnvironment().run(pickUpSftp, { dataset: 'enedis' })).toEqual([]);
        expect(await status()).toContain(`being ingested: ${batch}`);
      } finally {
        await slow.terminate('test over');
      }
      // Its batch closed just now: its last sign of life is recent, the file still left to it.
      expect(await scanned()).not.toContain(key);
      expect(await status()).toContain(`ingestion terminated: ${batch}`);
    } finally {
      await deps.objects.delete(key);
      await deps.objects.delete('inbox/enedis/by-hand.xml');
    }
  });

  it('hands a file the pickup fetched but did not hand over to the next pickup, not to the scan', async () => {
    const name = 'ENEDIS_R151_unhanded_00001_20190801000000.zip';
    await deliver(name, delivery('40000000000502', '2019-08-01', '2019-08-02'));
    const { deps } = harness.resources;
    const pickUpSftp = createSftpActivities(deps, harness.client.workflow).pickUpSftp;
    const [fetched]: InboxFile[] = await new MockActivityEnvironment().run(pickUpSftp, { dataset: 'enedis' });
    const record = await deps.records.getSftpFile('enedis', name);
    if (!record || !fetched) throw new Error(`${name} was not fetched`);
    // As an attempt cut after recording it leaves it: in the inbox, recorded, handed to no batch.
    await deps.records.putSftpFile({
      dataset: record.dataset,
      name: record.name,
      size: record.size,
      mtime: record.mtime,
      fetchedAt: record.fetchedAt,
      inboxKey: record.inboxKey,
      sha256: record.sha256,
    });
    const listInbox = createDropActivities(deps, harness.client.workflow).listInbox;
    const scanned: InboxFile[] = await new MockActivityEnvironment().run(listInbox, { limit: 200 });
    expect(scanned.map((f) => f.key)).not.toContain(fetched.key);

    const { output, ingested } = await pickUp();
    expect(output.started).toEqual([workflowIds.ingestBatch('enedis', [fetched.key])]);
    expect(ingested.map((r) => r.status)).toEqual(['fulfilled']);
    expect((await deps.objects.list('inbox/enedis')).map((o) => o.key)).not.toContain(fetched.key);
  });
});

/**
 * The worker's object store, its `putFile` of the delivery `name` into the inbox under the test's
 * hand (`around` runs in its place, given the real put); any other file is put as usual.
 */
function puttingInbox(name: string, around: (put: () => Promise<unknown>) => Promise<unknown>): ObjectStore {
  const { objects } = harness.resources.deps;
  return Object.create(objects, {
    putFile: {
      value: (key: string, local: string) =>
        key.startsWith('inbox/enedis/') && key.endsWith(`-${name}`)
          ? around(() => objects.putFile(key, local))
          : objects.putFile(key, local),
    },
  }) as ObjectStore;
}

describe('a pickup stopped at a known point between its record and the inbox', () => {
  it('never lets the scan take a file the pickup is putting into the inbox', async () => {
    const name = 'ENEDIS_R151_entering_00001_20190901000000.zip';
    await deliver(name, delivery('40000000000503', '2019-11-05', '2019-11-06'));
    const { deps } = harness.resources;
    let put!: () => void;
    const inInbox = new Promise<void>((resolve) => (put = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The pickup paused with its file in the inbox, before anything else of it is written.
    const objects = puttingInbox(name, async (realPut) => {
      await realPut();
      put();
      await held;
    });
    const pickUpSftp = createSftpActivities({ ...deps, objects }, harness.client.workflow).pickUpSftp;
    const picking: Promise<InboxFile[]> = new MockActivityEnvironment().run(pickUpSftp, { dataset: 'enedis' });
    const listInbox = createDropActivities(deps, harness.client.workflow).listInbox;
    let key = '';
    try {
      await inInbox;
      const inbox = (await deps.objects.list('inbox/enedis')).map((o) => o.key);
      key = inbox.find((k) => k.endsWith(name)) ?? '';
      expect(key).not.toBe('');
      const scanned: InboxFile[] = await new MockActivityEnvironment().run(listInbox, { limit: 200 });
      expect(scanned.map((f) => f.key)).not.toContain(key);
    } finally {
      release();
    }
    expect((await picking).map((f) => f.key)).toEqual([key]);
    expect(await deps.records.getSftpFile('enedis', name)).toMatchObject({
      inboxKey: key,
      batch: workflowIds.ingestBatch('enedis', [key]),
    });
    await deps.objects.delete(key);
  });

  it('fetches again, at the next pickup, a file recorded but never put into the inbox', async () => {
    const name = 'ENEDIS_R151_entering_00002_20190901000000.zip';
    await deliver(name, delivery('40000000000504', '2019-11-05', '2019-11-06'));
    const { deps } = harness.resources;
    // The attempt stops after the record, before the put: as a worker lost there leaves it.
    const objects = puttingInbox(name, () => Promise.reject(new Error('worker lost before the put')));
    const pickUpSftp = createSftpActivities({ ...deps, objects }, harness.client.workflow).pickUpSftp;
    await expect(new MockActivityEnvironment().run(pickUpSftp, { dataset: 'enedis' })).rejects.toThrow(
      'worker lost before the put',
    );
    const record = await deps.records.getSftpFile('enedis', name);
    expect(record).toMatchObject({ entering: true });
    expect(await deps.objects.head(record?.inboxKey ?? '')).toBeNull();

    const { output, ingested } = await pickUp();
    expect(output.started).toEqual([workflowIds.ingestBatch('enedis', [record?.inboxKey ?? ''])]);
    expect(ingested.map((r) => r.status)).toEqual(['fulfilled']);
    expect(await inputsOf('2019-11-05', '2019-11-05')).toContain(
      storageKeys.claimedDrop('enedis', '2019-11-05', record?.sha256 ?? '', 'zip'),
    );
    const after = await deps.records.getSftpFile('enedis', name);
    if (!after) throw new Error(`no record of ${name}`);
    expect(after.entering).toBeUndefined();

    // Marked entering again, as when the scan took the file after the grace: its content claimed, it is known.
    await deps.records.putSftpFile({ ...after, entering: true });
    const plain = createSftpActivities(deps, harness.client.workflow).pickUpSftp;
    expect(await new MockActivityEnvironment().run(plain, { dataset: 'enedis' })).toEqual([]);
    expect(await deps.records.getSftpFile('enedis', name)).toEqual(after);
  });
});

describe('deliveries whose names the store rewrites, among 100 good ones, the inbox scan running every second', () => {
  it("are all left to the pickup's batch and ingested by it: none taken by the scan, none stranded", async () => {
    const good = Array.from(
      { length: 100 },
      (_, i) => `ENEDIS_23X--TEST--R151_20191010_${String(i).padStart(5, '0')}.zip`,
    );
    const odd = ['R151 2019-10-11 a b.zip', 'relevé_20191012.zip', `R151_${'y'.repeat(125)}.zip`];
    for (const [i, name] of [...good, ...odd].entries())
      await deliver(name, delivery(String(40_000_000_001_000 + i), '2019-10-10', '2019-10-11'));
    const scanStarted: string[] = [];
    let scanning = true;
    const scans = (async () => {
      for (; scanning; await sleep(1000)) {
        const scan = await harness.client.workflow.execute<() => Promise<InboxScanOutput>>('inboxScan', {
          taskQueue: harness.config.temporal.taskQueue,
          workflowId: uniqueName('inbox-scan'),
        });
        scanStarted.push(...scan.started);
      }
    })();
    let picked: Awaited<ReturnType<typeof pickUp>>;
    try {
      picked = await pickUp();
    } finally {
      scanning = false;
      await scans;
    }
    expect(picked.ingested.map((r) => r.status)).toEqual(picked.output.started.map(() => 'fulfilled'));
    const batches = picked.ingested.map((r) => (r.status === 'fulfilled' ? (r.value as IngestFilesOutput) : null));
    expect(batches.flatMap((b) => b?.gone ?? [])).toEqual([]);
    const records = await harness.resources.deps.records.getSftpFiles('enedis', [...good, ...odd]);
    const keys = new Set(records.map((r) => r.inboxKey));
    expect(keys.size).toBe(good.length + odd.length);
    expect(new Set(batches.flatMap((b) => b?.ingested ?? []))).toEqual(keys);
    // The scan started no ingestion of any of them, and the inbox holds none of them any more.
    expect(scanStarted.filter((id) => [...keys].some((key) => id.startsWith(`ingest/${key}#`)))).toEqual([]);
    const inbox = (await harness.resources.deps.objects.list('inbox/enedis')).map((o) => o.key);
    expect(inbox.filter((key) => keys.has(key))).toEqual([]);
  });
});

describe('a batch one of whose files another ingestion had first', () => {
  it('claims and ingests the rest, and names the one with the ingestion that had it', async () => {
    const { deps } = harness.resources;
    const names = ['ENEDIS_R151_shared_00001.zip', 'ENEDIS_R151_shared_00002.zip', 'ENEDIS_R151_shared_00003.zip'];
    const files = await Promise.all(
      names.map(async (name, i) => {
        const bytes = delivery(String(40_000_000_002_000 + i), '2019-10-20', '2019-10-21');
        const key = inboxKeys.file('enedis', createHash('sha256').update(bytes).digest('hex'), name);
        await deps.objects.put(key, bytes);
        return { inboxKey: key, name };
      }),
    );
    const taken = files[1]?.inboxKey ?? '';
    const first = await startIngest(
      harness.client,
      { dataset: 'enedis', inboxKey: taken },
      harness.config.temporal.taskQueue,
    );
    await first.result();
    const batch = await harness.client.workflow.execute<(input: IngestFilesInput) => Promise<IngestFilesOutput>>(
      'ingestFiles',
      {
        taskQueue: harness.config.temporal.taskQueue,
        workflowId: workflowIds.ingestBatch(
          'enedis',
          files.map((f) => f.inboxKey),
        ),
        args: [{ dataset: 'enedis', files }],
      },
    );
    expect(batch.ingested).toEqual([files[0]?.inboxKey, files[2]?.inboxKey]);
    expect(batch.gone).toEqual([
      { inboxKey: taken, reason: `ingested by ${first.workflowId} (closed), not by this batch` },
    ]);
    // Each file claimed into both days it covers (a raw key per day), and read by them.
    expect(new Set(await inputsOf('2019-10-20', '2019-10-21')).size).toBe(files.length * 2);
    const inbox = (await deps.objects.list('inbox/enedis')).map((o) => o.key);
    expect(inbox.filter((key) => key.includes('_shared_'))).toEqual([]);
  });
});

describe('a connection cut mid-pickup', () => {
  it('starts one batch of what the cut attempt fetched and what its retry fetched: every delivery ingested, none left to the scan', async () => {
    const names = [1, 2].map((n) => `ENEDIS_R151_cutmid_0000${n}_20191001000000.zip`);
    for (const [i, name] of names.entries())
      await deliver(name, delivery(String(40_000_000_000_701 + i), '2019-10-01', '2019-10-02'));
    // Last in name order, and large: the gate holds the transfer part-way through it.
    const large = 'ENEDIS_R151_cutmid_00003_20191001000000.zip';
    const flow = r151Flow([
      { prm: '40000000000703', date: '2019-10-01', wh: { BASE: 5_000_000 } },
      { prm: '40000000000703', date: '2019-10-02', wh: { BASE: 5_004_000 } },
    ]);
    await deliver(
      large,
      encrypted(zipOf({ 'R151.xml': new TextEncoder().encode(flow), 'padding.bin': randomBytes(4 * 1024 * 1024) })),
    );
    const { deps } = harness.resources;
    gate.holdDownstreamAfter(1024 * 1024);
    const run = pickUp();
    try {
      await expect.poll(() => gate.downstreamHeld(), { interval: 20 }).toBe(true);
      // The first attempt fetched and recorded the two small deliveries before the cut, handing them to no batch.
      const recorded = await Promise.all(names.map((name) => deps.records.getSftpFile('enedis', name)));
      expect(recorded.map((r) => r && { name: r.name, batch: r.batch })).toEqual(
        names.map((name) => ({ name, batch: undefined })),
      );
      gate.cut();
    } finally {
      gate.releaseDownstream();
    }
    const { output, ingested } = await run;
    expect(output.started).toHaveLength(1);
    expect(ingested.map((r) => r.status)).toEqual(['fulfilled']);
    const batch = ingested[0]?.status === 'fulfilled' ? (ingested[0].value as IngestFilesOutput) : null;
    expect(batch?.ingested.map((key) => key.replace(/^inbox\/enedis\/[0-9a-f]{16}-/, ''))).toEqual([...names, large]);
    for (const name of [...names, large])
      expect(await deps.records.getSftpFile('enedis', name)).toMatchObject({ batch: output.started[0] });
    expect((await deps.objects.list('inbox/enedis')).filter((o) => o.key.includes('_cutmid_'))).toEqual([]);
  });
});

describe('a delivery put back on the server with the same bytes and a newer time', () => {
  it('is known by its bytes: nothing put in the inbox, nothing started, and courant status clean', async () => {
    const name = 'ENEDIS_R151_redeposit_00001_20191101000000.zip';
    const bytes = delivery('40000000000801', '2019-11-01', '2019-11-02');
    await deliver(name, bytes, 7200);
    const first = await pickUp();
    expect(first.ingested.map((r) => r.status)).toEqual(['fulfilled']);
    const before = await harness.resources.deps.records.getSftpFile('enedis', name);

    await deliver(name, bytes, 3600);
    const again = await pickUp();
    expect(again.output).toEqual({ started: [], skipped: 0 });
    const inbox = await harness.resources.deps.objects.list('inbox/enedis');
    expect(inbox.filter((o) => o.key.endsWith(name))).toEqual([]);
    const after = await harness.resources.deps.records.getSftpFile('enedis', name);
    expect(after).toMatchObject({ inboxKey: before?.inboxKey, sha256: before?.sha256, fetchedAt: before?.fetchedAt });
    expect(after?.mtime).not.toBe(before?.mtime);
    const status = await runCommandLine(
      ['status', '--from', '2019-11-01', '--to', '2019-11-02'],
      cliEnv(harness.config),
    );
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).not.toContain(name);
    // Known with its new time, it is not fetched again.
    expect((await pickUp()).output).toEqual({ started: [], skipped: 0 });
  });
});

describe('courant schedules trigger --sftp-pickup while a pickup runs', () => {
  it('starts the triggered pickup once the running one ends, never beside it', async () => {
    const settings = scheduleSettings(harness.config).sftpPickup;
    await applySchedule(harness.client, sftpPickupSchedule(settings));
    const schedule = harness.client.schedule.getHandle(settings.scheduleId);
    const trigger = () =>
      runCommandLine(['schedules', 'trigger', '--sftp-pickup'], { ...cliEnv(harness.config), ...env });
    await deliver(
      'ENEDIS_R151_overlap_00001_20190601000000.zip',
      delivery('40000000000200', '2019-06-01', '2019-06-02'),
    );
    // The first pickup stays connecting while the gate holds what it sends.
    gate.hold();
    const first = await trigger();
    expect(first.code, first.stderr).toBe(0);
    await expect.poll(async () => (await schedule.describe()).info.runningActions.length).toBe(1);
    const second = await trigger();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/is still running; this run starts when it ends/);
    expect((await schedule.describe()).info.runningActions).toHaveLength(1);
    gate.release();
    await expect.poll(async () => (await schedule.describe()).info.recentActions.length).toBe(2);
    await expect.poll(async () => (await schedule.describe()).info.runningActions.length).toBe(0);
    const [a, b] = await Promise.all(
      (await schedule.describe()).info.recentActions.map(async ({ action }) =>
        harness.client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).describe(),
      ),
    );
    expect(a?.closeTime).toBeDefined();
    expect(b?.startTime.getTime()).toBeGreaterThanOrEqual(a?.closeTime?.getTime() ?? Number.POSITIVE_INFINITY);
    await schedule.delete();
  });
});
