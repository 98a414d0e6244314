/**
 * The SFTP pickup on a real OpenSSH server (internal-sftp on a loopback port), the real dev server
 * and document store: encrypted R151, R15 and C15 deliveries made now from the shipped fixtures are
 * fetched, decrypted and ingested, giving `courant energies` the same kWh as the plain flows
 * dropped by hand; a second pickup fetches nothing; a wrong key and a truncated delivery are
 * quarantined in one attempt saying which; a changed host key refuses the connection; an
 * unreachable server and a cut connection fail as retryable.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSftpActivities } from '../../src/activities/sftp-pickup.js';
import type { SftpSourceConfig } from '../../src/config/index.js';
import type { IngestFilesOutput, SftpPickupOutput } from '../../src/workflow-safe/ingest.js';
import { inboxKeys } from '../../src/workflow-safe/keys.js';
import { freePort } from '../../src/stack/ports.js';
import { activityAttempts } from '../support/activity-attempts.js';
import {
  encryptedFixture,
  FIXTURE_DELIVERIES,
  keyEnvOf,
  TEST_DELIVERY_KEY,
  WRONG_DELIVERY_KEY,
} from '../support/enedis-deliveries.js';
import { uniqueName } from '../support/names.js';
import { rawGet, startConsole } from '../support/console-server.js';
import { runCommandLine } from '../support/run-cli.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';
import { startTcpGate } from '../support/tcp-gate.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const KEY_ENV = keyEnvOf(TEST_DELIVERY_KEY);
const FIXTURES = path.join('test', 'fixtures', 'enedis');

let server: SftpTestServer;
let picked: TestWorkerHarness;
let byHand: TestWorkerHarness;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-wf-'));
  server = await startSftpServer();
  [picked, byHand] = await Promise.all([
    testConfig({ ...KEY_ENV, ...server.enedisEnv() }).then((config) => startTestWorker(config)),
    testConfig().then((config) => startTestWorker(config)),
  ]);
});

afterAll(async () => {
  await Promise.all([picked.close(), byHand.close()]);
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs one pickup as the schedule would, and waits for the ingestions it started. */
async function pickUp(): Promise<{
  workflowId: string;
  output: SftpPickupOutput;
  ingested: PromiseSettledResult<unknown>[];
}> {
  const workflowId = uniqueName('sftp-pickup');
  const output = await picked.client.workflow.execute<() => Promise<SftpPickupOutput>>('sftpPickup', {
    taskQueue: picked.config.temporal.taskQueue,
    workflowId,
  });
  const ingested = await Promise.allSettled(output.started.map((id) => picked.client.workflow.getHandle(id).result()));
  return { workflowId, output, ingested };
}

/** The names of the files in the inbox, without the content hash their keys start with. */
async function inboxNames(): Promise<string[]> {
  return (await picked.resources.deps.objects.list(inboxKeys.folder('enedis'))).map((o) =>
    path.posix.basename(o.key).replace(/^[0-9a-f]{16}-/, ''),
  );
}

async function deliver(name: string, bytes: Uint8Array): Promise<void> {
  await writeFile(path.join(server.remoteDir, name), bytes);
}

/** `courant energies` as JSON rows of the harness over the days, without the files they came from. */
async function energies(harness: TestWorkerHarness, from: string, to: string): Promise<unknown[]> {
  const out = path.join(dir, `${uniqueName('energies')}.json`);
  const r = await runCommandLine(
    ['energies', '--dataset', 'enedis', '--from', from, '--to', to, '--format', 'json', '--out', out],
    cliEnv(harness.config),
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(await readFile(out, 'utf8')) as unknown[];
}

describe('the SFTP pickup of encrypted Enedis deliveries', () => {
  it('fetches, decrypts and ingests R151, R15 and C15, giving the same kWh as the plain flows dropped by hand', async () => {
    for (const d of FIXTURE_DELIVERIES) await deliver(d.name, await encryptedFixture(d.fixture));
    const { workflowId, output, ingested } = await pickUp();
    if (process.env.RECORD_HISTORIES === '1')
      for (const [id, name] of [
        [workflowId, 'sftp-pickup'],
        [output.started[0] ?? '', 'ingest-files'],
      ] as const)
        await writeFile(
          `test/replay/histories/${name}.json`,
          historyToJSON(await picked.client.workflow.getHandle(id).fetchHistory()),
        );
    // The round's files are ingested in one batch, each named by its content in the inbox.
    expect(output.started).toEqual([expect.stringMatching(/^ingest-batch\/enedis\/[0-9a-f]{16}$/)]);
    expect(ingested.map((r) => r.status)).toEqual(['fulfilled']);
    const batch = ingested[0]?.status === 'fulfilled' ? (ingested[0].value as IngestFilesOutput) : null;
    expect(batch?.ingested.map((key) => key.replace(/^inbox\/enedis\/[0-9a-f]{16}-/, '')).sort()).toEqual(
      FIXTURE_DELIVERIES.map((d) => d.name).sort(),
    );
    expect(batch?.released).toBe(FIXTURE_DELIVERIES.length);
    const records = picked.resources.deps.records;
    expect((await records.listSftpFiles('enedis')).map((r) => r.name)).toEqual(
      FIXTURE_DELIVERIES.map((d) => d.name).sort(),
    );
    expect(await picked.resources.deps.objects.list(inboxKeys.folder('enedis'))).toEqual([]);
    for (const date of ['2024-04-04', '2024-07-29', '2024-10-03'])
      expect(await records.getDayRun('enedis', date)).toMatchObject({ status: 'succeeded' });

    const flows = path.join(dir, 'by-hand');
    await mkdir(flows);
    for (const d of FIXTURE_DELIVERIES) await copyFile(path.join(FIXTURES, d.fixture), path.join(flows, d.fixture));
    const dropped = await runCommandLine(
      ['ingest', '--dataset', 'enedis', '--dir', flows, '--wait'],
      cliEnv(byHand.config),
    );
    expect(dropped.code, `${dropped.stdout}\n${dropped.stderr}`).toBe(0);

    for (const [from, to] of [
      ['2024-07-01', '2024-07-29'],
      ['2024-04-04', '2024-04-04'],
      ['2024-10-01', '2024-10-05'],
    ] as const) {
      expect(await energies(picked, from, to)).toEqual(await energies(byHand, from, to));
    }
    const console = await startConsole({
      config: picked.config,
      records,
      objects: picked.resources.deps.objects,
      tokens: null,
    });
    try {
      const page = await rawGet(console.origin, '/days/2024-04-04');
      expect(page.body).toContain('From the SFTP server');
      expect(page.body).toContain(`<span class="remote-file">${FIXTURE_DELIVERIES[0].name}</span>`);
    } finally {
      await console.close();
    }
    expect(await energies(picked, '2024-07-01', '2024-07-29')).toContainEqual(
      expect.objectContaining({ prm: '99147508449444', class: 'BASE', energy_kwh: 100, verdict: 'real' }),
    );
  });

  it('fetches nothing on a second pickup', async () => {
    const before = await picked.resources.deps.records.listSftpFiles('enedis');
    const { output } = await pickUp();
    expect(output).toEqual({ started: [], skipped: 0 });
    expect(await picked.resources.deps.records.listSftpFiles('enedis')).toEqual(before);
  });

  it.each([
    [
      'a wrong key',
      'wrong-key',
      async () => encryptedFixture('electricore_r151.xml', WRONG_DELIVERY_KEY),
      /wrong AES key or IV/,
    ],
    [
      'a truncated delivery',
      'truncated',
      async () => {
        const whole = await encryptedFixture('electricore_r151.xml');
        return whole.subarray(0, whole.length - 5);
      },
      /truncated \(\d+ bytes is not a whole number of 16-byte AES blocks\)/,
    ],
  ])('quarantines %s in one attempt, saying which', async (_, label, bytes, reason) => {
    const name = `ENEDIS_R151_${label}_00009_20250102030405.zip`;
    await deliver(name, await bytes());
    const { output, ingested } = await pickUp();
    expect(output.started).toHaveLength(1);
    const [ingestion] = ingested;
    expect(ingestion?.status).toBe('rejected');
    expect(ingestion?.status === 'rejected' ? ingestion.reason : null).toBeInstanceOf(WorkflowFailedError);
    expect(await activityAttempts(picked.client, output.started[0] ?? '')).toEqual({ claimDrops: 1 });
    expect(ingestion?.status === 'rejected' ? String((ingestion.reason as Error).cause) : '').toMatch(reason);
    const quarantined = (await picked.resources.deps.objects.list('quarantine/enedis/inbox')).filter((o) =>
      o.key.endsWith(`-${name}.reason.json`),
    );
    expect(quarantined).toHaveLength(1);
    const why = JSON.parse(
      new TextDecoder().decode(await picked.resources.deps.objects.get(quarantined[0]?.key ?? '')),
    ) as { reason: string; droppedAs: string };
    expect(why).toMatchObject({ reason: expect.stringMatching(reason) as unknown, droppedAs: name });
    expect(await inboxNames()).not.toContain(name);
  });
});

describe('the SFTP pickup activity facing a faulty server', () => {
  const source = (overrides: Partial<SftpSourceConfig>): SftpSourceConfig => {
    const env = server.enedisEnv();
    return {
      dataset: 'enedis',
      host: '127.0.0.1',
      port: server.port,
      user: env.ENEDIS_SFTP_USER ?? '',
      auth: { privateKey: { value: server.privateKey } },
      knownHosts: { value: server.knownHosts },
      remoteDir: server.remoteDir,
      pattern: '^[^.]',
      deleteAfterPickup: false,
      ...overrides,
    };
  };

  async function failure(config: SftpSourceConfig): Promise<ApplicationFailure> {
    const activities = createSftpActivities(
      { ...picked.resources.deps, sftp: { enedis: config } },
      picked.client.workflow,
    );
    const error = await new MockActivityEnvironment().run(activities.pickUpSftp, { dataset: 'enedis' }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }

  it('refuses a host key that changed, saying so, and never retries', async () => {
    const refused = await failure(source({ knownHosts: { value: server.changedKnownHosts } }));
    expect(refused).toMatchObject({ type: 'HostKeyRefused', nonRetryable: true });
    expect(refused.message).toMatch(
      /^the host key of 127\.0\.0\.1:\d+ changed: the server presented SHA256:\S+, which no known_hosts line of this host holds\. Refusing to connect/,
    );
    expect(refused.message).toContain('ENEDIS_SFTP_KNOWN_HOSTS');
  });

  it('fails an unreachable server as retryable', async () => {
    const unreachable = await failure(source({ port: await freePort() }));
    expect(unreachable).toMatchObject({ type: 'TransientIO', nonRetryable: false });
    expect(unreachable.message).toMatch(/ECONNREFUSED/);
  });

  it('fails a connection cut during the pickup as retryable, leaving nothing in the inbox', async () => {
    const gate = await startTcpGate({ host: '127.0.0.1', port: server.port });
    const name = 'ENEDIS_R15_cut_00001_20250102030405.zip';
    await deliver(name, await encryptedFixture('electricore_r15.xml'));
    const port = Number(gate.address.split(':')[1]);
    const knownHosts = server.knownHosts.replace(`:${server.port}]`, `:${port}]`);
    const activities = createSftpActivities(
      {
        ...picked.resources.deps,
        sftp: { enedis: source({ port, knownHosts: { value: knownHosts } }) },
      },
      picked.client.workflow,
    );
    // Nothing the client sends gets through; the connection is cut once it has spoken.
    gate.hold();
    const run = new MockActivityEnvironment().run(activities.pickUpSftp, { dataset: 'enedis' }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    while (gate.heldBytes() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await gate.close();
    const cut = await run;
    expect(cut).toBeInstanceOf(ApplicationFailure);
    expect(cut).toMatchObject({ type: 'TransientIO', nonRetryable: false });
    expect(await inboxNames()).not.toContain(name);
    expect(await picked.resources.deps.records.getSftpFile('enedis', name)).toBeNull();
  });
});
