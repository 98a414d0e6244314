/**
 * The SFTP pickup activity facing faults of the network, of the server and of its own settings, on
 * a real OpenSSH server (internal-sftp on a loopback port, reached through a TCP gate) and the real
 * document store: a transfer that stalls or whose connection is cut fails as retryable at once, and
 * the retry fetches the file, returning with it those the cut attempt had fetched; a file still being written (a fresh time on the server) is left for a
 * later pickup; a server breaking the SFTP protocol mid-transfer fails the attempt as retryable and
 * the process lives on; entries that are not files (a link to nothing, a folder, a FIFO, a socket)
 * are each recorded for themselves, never read; a server failing every file of a round alike fails
 * the round as retryable, no file paused; a missing remote folder and an unreadable key file fail
 * at once, naming the setting.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InboxFile } from '../../src/activities/drops.js';
import { createSftpActivities } from '../../src/activities/sftp-pickup.js';
import type { SftpSourceConfig } from '../../src/config/index.js';
import { openWorkerResources, type WorkerResources } from '../../src/workers/resources.js';
import { connectClient } from '../../src/workers/temporal-connection.js';
import { inboxKeys } from '../../src/workflow-safe/keys.js';
import { encryptedFixture, largeEncryptedFixture } from '../support/enedis-deliveries.js';
import { byKeyOnly } from '../support/by-key-records.js';
import {
  startFailingStorageSftpServer,
  startMalformedSftpServer,
  type HandWrittenSftpServer,
} from '../support/malformed-sftp-server.js';
import { uniqueName } from '../support/names.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';
import { startTcpGate, type TcpGate } from '../support/tcp-gate.js';
import { testConfig } from '../support/test-stack.js';

/** 4 MiB: a transfer of many round trips, stopped part-way by the gate. */
const LARGE = 4 * 1024 * 1024;

let server: SftpTestServer;
let gate: TcpGate;
let resources: WorkerResources;
let temporal: Awaited<ReturnType<typeof connectClient>>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-sftp-faults-'));
  server = await startSftpServer();
  gate = await startTcpGate({ host: server.host, port: server.port });
  const config = await testConfig();
  resources = await openWorkerResources(config);
  temporal = await connectClient(config);
});

afterAll(async () => {
  await temporal.close();
  await resources.close();
  await gate.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  gate.releaseDownstream();
  for (const name of await readdir(server.remoteDir)) await rm(path.join(server.remoteDir, name), { recursive: true });
});

const gatePort = () => Number(gate.address.split(':')[1]);

/** The server's settings, reached through the gate; `settleSeconds` 0 unless given. */
function source(overrides: Partial<SftpSourceConfig> = {}): SftpSourceConfig {
  const port = gatePort();
  return {
    dataset: 'enedis',
    host: '127.0.0.1',
    port,
    user: server.user,
    auth: { privateKey: { value: server.privateKey } },
    knownHosts: { value: server.enedisEnv(port).ENEDIS_SFTP_KNOWN_HOSTS ?? '' },
    remoteDir: server.remoteDir,
    pattern: '^[^.]',
    deleteAfterPickup: false,
    settleSeconds: 0,
    ...overrides,
  };
}

/** One pickup by the activity with `config`: the names on the server of the files it fetched, or what it failed with. */
function pickUp(config: SftpSourceConfig): Promise<string[] | ApplicationFailure> {
  return pickUpWith(config);
}

/** One pickup of at most `limit` files (default: all). */
async function pickUpWith(config: SftpSourceConfig, limit?: number): Promise<string[] | ApplicationFailure> {
  // Records are looked up by the names listed: a read of the whole history fails the pickup.
  const activities = createSftpActivities(
    {
      ...resources.deps,
      records: byKeyOnly(resources.deps.records),
      sftp: { enedis: config },
    },
    temporal.client.workflow,
  );
  return new MockActivityEnvironment()
    .run<[{ dataset: 'enedis'; limit?: number }], InboxFile[], typeof activities.pickUpSftp>(activities.pickUpSftp, {
      dataset: 'enedis',
      ...(limit === undefined ? {} : { limit }),
    })
    .then(
      async (files) => {
        // No batch is started here: the files leave the inbox as their batch would release them.
        for (const f of files) await resources.deps.objects.delete(f.key);
        return files.map((f) => f.name ?? f.key);
      },
      (thrown: unknown) => {
        if (thrown instanceof ApplicationFailure) return thrown;
        throw thrown;
      },
    );
}

/** The failure of one pickup with `config`. */
/** The source of a server the test wrote by hand (test/support/malformed-sftp-server.ts): its files under `/out`. */
function sourceOf(handWritten: HandWrittenSftpServer): SftpSourceConfig {
  return source({
    port: handWritten.port,
    knownHosts: { value: handWritten.knownHosts },
    auth: { privateKey: { value: handWritten.privateKey } },
    remoteDir: '/out',
  });
}

async function failureOf(config: SftpSourceConfig): Promise<ApplicationFailure> {
  const result = await pickUp(config);
  if (Array.isArray(result)) throw new Error(`the pickup did not fail: it fetched ${JSON.stringify(result)}`);
  return result;
}

/** The pickup's failure when its connection is cut once 1 MiB of a file came down. */
async function failureWhenCut(config: SftpSourceConfig): Promise<ApplicationFailure> {
  gate.holdDownstreamAfter(1024 * 1024);
  const run = failureOf(config);
  await expect.poll(() => gate.downstreamHeld(), { interval: 20 }).toBe(true);
  gate.cut();
  return run;
}

const deliveryName = (label: string) => `ENEDIS_R151_${label}_${uniqueName('n').replace(/\W/g, '')}_20250102030405.zip`;

async function deliverLarge(label: string): Promise<string> {
  const name = deliveryName(label);
  await writeFile(path.join(server.remoteDir, name), await largeEncryptedFixture('electricore_r151.xml', LARGE));
  return name;
}

async function expectNothingKept(name: string): Promise<void> {
  const inbox = await resources.deps.objects.list(inboxKeys.folder('enedis'));
  expect(inbox.filter((o) => o.key.endsWith(`-${name}`))).toEqual([]);
  expect(await resources.deps.records.getSftpFile('enedis', name)).toBeNull();
}

describe('a transfer that stops part-way', () => {
  it('fails as retryable once nothing arrives for the stall limit, and the retry fetches the file', async () => {
    const name = await deliverLarge('stall');
    gate.holdDownstreamAfter(1024 * 1024);
    const stalled = await failureOf(source({ stallSeconds: 2 }));
    expect(gate.downstreamHeld()).toBe(true);
    expect(stalled).toMatchObject({ type: 'TransientIO', nonRetryable: false });
    expect(stalled.message).toMatch(new RegExp(`nothing received for 2 s while fetching ${name}`));
    await expectNothingKept(name);

    gate.releaseDownstream();
    expect(await pickUp(source({ stallSeconds: 2 }))).toEqual([name]);
    expect(await resources.deps.records.getSftpFile('enedis', name)).toMatchObject({
      name,
      inboxKey: expect.stringMatching(new RegExp(`^inbox/enedis/[0-9a-f]{16}-${name}$`)) as unknown,
    });
  });

  it('fails as retryable when its connection is cut, long before the stall limit, and the retry fetches the file', async () => {
    const name = await deliverLarge('cut');
    const config = source({ stallSeconds: 3_600 });
    const run = failureWhenCut(config);
    expect(await run).toMatchObject({ type: 'TransientIO', nonRetryable: false });
    expect((await run).message).toMatch(/the connection closed/);
    await expectNothingKept(name);

    gate.releaseDownstream();
    expect(await pickUp(config)).toEqual([name]);
  });
});

describe('a connection cut after some files were fetched', () => {
  it('leaves them recorded in the inbox, and the retry returns them with its own, handed to one batch', async () => {
    const small = [deliveryName('a-before-cut'), deliveryName('b-before-cut')];
    for (const name of small)
      await writeFile(path.join(server.remoteDir, name), await encryptedFixture('electricore_r151.xml'));
    const large = await deliverLarge('z-cut');
    const config = source({ stallSeconds: 3_600 });
    const run = failureWhenCut(config);
    expect(await run).toMatchObject({ type: 'TransientIO', nonRetryable: false });
    gate.releaseDownstream();
    expect(await pickUp(config)).toEqual([...small, large]);
    const records = await Promise.all([...small, large].map((n) => resources.deps.records.getSftpFile('enedis', n)));
    expect(new Set(records.map((r) => r?.batch)).size).toBe(1);
  });
});

describe('a server that breaks the SFTP protocol', () => {
  it('fails the attempt as retryable when a malformed packet arrives mid-transfer, its cause kept, and the process lives on', async () => {
    const name = deliveryName('malformed');
    const broken = await startMalformedSftpServer(name);
    try {
      const failure = await failureOf(sourceOf(broken));
      expect(broken.malformedSent()).toBeGreaterThan(0);
      expect(failure).toMatchObject({ type: 'TransientIO', nonRetryable: false });
      expect(failure.message).toBe(
        `SFTP ${server.user}@127.0.0.1:${broken.port}: the server broke the SFTP protocol (Malformed DATA packet)`,
      );
      expect(failure.cause?.cause).toMatchObject({ message: 'Malformed DATA packet', level: 'sftp-protocol' });
      await expectNothingKept(name);
    } finally {
      await broken.stop();
    }
    const good = deliveryName('after-malformed');
    await writeFile(path.join(server.remoteDir, good), await encryptedFixture('electricore_r151.xml'));
    expect(await pickUp(source())).toEqual([good]);
  });
});

describe('entries the server lists but cannot serve', () => {
  /** The fault recorded for `name`, if any. */
  const faultOf = async (name: string) =>
    (await resources.deps.records.listSftpFaults('enedis')).find((f) => f.name === name);

  it('records each for itself with its reason while the files around it are fetched, and tries it again only once its pause is over', async () => {
    const [before, after] = [deliveryName('before'), deliveryName('zafter')];
    const link = deliveryName('link');
    const folder = deliveryName('folder');
    for (const name of [before, after])
      await writeFile(path.join(server.remoteDir, name), await encryptedFixture('electricore_r151.xml'));
    await symlink(path.join(dir, 'not-there.zip'), path.join(server.remoteDir, link));
    await mkdir(path.join(server.remoteDir, folder));
    // A FIFO would hold a read until a writer came; a socket cannot be read: both named, neither read.
    const [fifo, socket] = [deliveryName('fifo'), deliveryName('socket')];
    execFileSync('mkfifo', [path.join(server.remoteDir, fifo)]);
    const listening = net.createServer();
    await new Promise<void>((resolve) => listening.listen(path.join(server.remoteDir, socket), resolve));

    try {
      expect(await pickUp(source())).toEqual([before, after]);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
      await rm(path.join(server.remoteDir, fifo));
    }
    expect(await faultOf(fifo)).toMatchObject({
      reason: 'a FIFO (named pipe), not a file: not read, only a regular file is a delivery',
    });
    expect(await faultOf(socket)).toMatchObject({
      reason: 'a socket, not a file: not read, only a regular file is a delivery',
    });
    expect(await faultOf(link)).toMatchObject({ reason: 'a symbolic link: No such file (SFTP status 2)', attempts: 1 });
    const first = await faultOf(folder);
    if (!first) throw new Error(`no fault recorded for ${folder}`);
    expect(first).toMatchObject({ reason: 'a folder, not a file: Failure (SFTP status 4)', attempts: 1 });
    expect(Date.parse(first.nextTryAt) - Date.parse(first.lastFailedAt)).toBe(60_000);

    // Within its pause an entry is left alone.
    expect(await pickUp(source())).toEqual([]);
    expect(await faultOf(folder)).toEqual(first);

    // Its pause over, it is tried again by itself, after the new files: first at a limit of one.
    const due = { ...first, nextTryAt: new Date(0).toISOString() };
    await resources.deps.records.putSftpFault(due);
    const newer = deliveryName('newer');
    await writeFile(path.join(server.remoteDir, newer), await encryptedFixture('electricore_r151.xml'));
    expect(await pickUpWith(source(), 1)).toEqual([newer]);
    expect(await faultOf(folder)).toEqual(due);
    expect(await pickUp(source())).toEqual([]);
    const second = await faultOf(folder);
    expect(second).toMatchObject({ attempts: 2, firstFailedAt: first.firstFailedAt });
    expect(Date.parse(second?.nextTryAt ?? '') - Date.parse(second?.lastFailedAt ?? '')).toBe(120_000);
  });

  it('fetches an entry once it is fixed on the server, and forgets its fault, as it forgets one no longer listed', async () => {
    const link = deliveryName('fixed-link');
    const folder = deliveryName('removed-folder');
    const target = path.join(dir, `${link}.target`);
    await symlink(target, path.join(server.remoteDir, link));
    await mkdir(path.join(server.remoteDir, folder));
    expect(await pickUp(source())).toEqual([]);
    expect(await faultOf(link)).toBeDefined();
    expect(await faultOf(folder)).toBeDefined();

    await writeFile(target, await encryptedFixture('electricore_r151.xml'));
    await rm(path.join(server.remoteDir, folder), { recursive: true });
    expect(await pickUp(source())).toEqual([link]);
    expect(await resources.deps.records.getSftpFile('enedis', link)).toMatchObject({ name: link });
    expect(await faultOf(link)).toBeUndefined();
    expect(await faultOf(folder)).toBeUndefined();
  });
});

describe('a server whose own storage fails every open', () => {
  it('fails the round as retryable, the server named, and pauses none of its files', async () => {
    const names = ['one', 'two', 'three'].map(deliveryName);
    const failing = await startFailingStorageSftpServer(names);
    try {
      const failure = await failureOf(sourceOf(failing));
      expect(failure).toMatchObject({ type: 'TransientIO', nonRetryable: false });
      expect(failure.message).toContain('the server failed every file of the round alike (SFTP status 4 on 3 files');
      const faults = await resources.deps.records.listSftpFaults('enedis');
      expect(faults.filter((f) => names.includes(f.name))).toEqual([]);
    } finally {
      await failing.stop();
    }
  });
});

describe('a file still being written', () => {
  it('is left on the server while its time there is fresher than the settle time, and fetched once it is older', async () => {
    const name = deliveryName('settle');
    const file = path.join(server.remoteDir, name);
    await writeFile(file, await encryptedFixture('electricore_r151.xml'));
    const config = source({ settleSeconds: 60 });
    expect(await pickUp(config)).toEqual([]);
    await expectNothingKept(name);

    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await utimes(file, tenMinutesAgo, tenMinutesAgo);
    expect(await pickUp(config)).toEqual([name]);
  });
});

describe('settings that no retry heals', () => {
  it('fails a remote folder that does not exist at once, naming the folder, the server and the variable', async () => {
    const missing = path.join(server.remoteDir, 'not-there');
    const failure = await failureOf(source({ remoteDir: missing }));
    expect(failure).toMatchObject({ type: 'SourceMisconfigured', nonRetryable: true });
    expect(failure.message).toContain(
      `ENEDIS_SFTP_DIR: no folder ${missing} on ${server.user}@127.0.0.1:${gatePort()}`,
    );
  });

  it.each([
    ['missing', () => Promise.resolve(path.join(dir, 'no-such-key')), /cannot read \S+ \(no such file\)/],
    [
      'a folder',
      async () => {
        const folder = path.join(dir, 'a-folder');
        await mkdir(folder, { recursive: true });
        return folder;
      },
      /cannot read \S+ \(a folder, not a file\)/,
    ],
    [
      'not a key',
      async () => {
        const file = path.join(dir, 'not-a-key');
        await writeFile(file, 'not a key\n');
        return file;
      },
      /is not a private key without passphrase \(OpenSSH or PEM\)/,
    ],
  ])('fails a private key file that is %s at once, naming the variable', async (_, keyFile, reason) => {
    const file = await keyFile();
    const failure = await failureOf(source({ auth: { privateKey: { file } } }));
    expect(failure).toMatchObject({ type: 'SourceMisconfigured', nonRetryable: true });
    expect(failure.message).toMatch(/^ENEDIS_SFTP_PRIVATE_KEY_FILE: /);
    expect(failure.message).toContain(file);
    expect(failure.message).toMatch(reason);
  });
});
