/**
 * The three large hostile inputs through `courant ingest --wait` on the real dev server, document
 * store and a real worker: each is refused in one attempt of its claim, named, moved to
 * `quarantine/{dataset}/inbox/` with its reason, and listed by `courant status`; the failure is
 * printed once with what to do. A symbolic link in an inbox is quarantined unread by the scan's
 * listing. The inputs are written at test time into a temporary folder.
 */
import { mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDropActivities, type InboxFile } from '../../src/activities/drops.js';
import { writeLongLineSmartMeter, writeValueBombR151, writeWhitespaceZip } from '../support/hostile-inputs.js';
import { activityAttempts } from '../support/activity-attempts.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

let harness: TestWorkerHarness;
let dir: string;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-hostile-wf-'));
  harness = await startTestWorker(await testConfig());
});

afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a large hostile file given to courant ingest --wait', () => {
  it.each([
    [
      'enedis',
      'an R151 whose value is 10 MiB of digits',
      writeValueBombR151,
      /line 7, column Valeur: .*the index is not a number/,
    ],
    [
      'smartmeter',
      'a smart-meter CSV whose second line is 54 MB',
      writeLongLineSmartMeter,
      /line 2: the line is longer than 65536 bytes/,
    ],
    [
      'enedis',
      'a zip member of 1.5 GiB of whitespace',
      writeWhitespaceZip,
      /r151\.xml, line 2: more than 16777216 characters without markup/,
    ],
  ])(
    '%s: %s is refused in one attempt, named, quarantined with its reason and listed by status',
    async (dataset, _what, write, problem) => {
      const file = await write(dir);
      const name = path.basename(file);
      const r = await runCommandLine(
        ['ingest', '--dataset', dataset, '--file', file, '--wait'],
        cliEnv(harness.config),
      );
      const output = `${r.stdout}${r.stderr}`;
      expect(r.code, output).toBe(1);
      const [, inboxKey, workflowId] = /→ (\S+): (\S+) started/.exec(r.stdout) ?? [];
      expect(inboxKey).toBeDefined();
      expect(output).toContain(`${name}: failed`);
      expect(output).toMatch(problem);
      expect(output).not.toContain('Workflow execution failed');
      const failure = output.slice(output.indexOf(`${name}: failed`));
      expect(failure.split(inboxKey ?? '')).toHaveLength(2);
      expect(output.match(/What to do/g)).toHaveLength(1);
      expect(await activityAttempts(harness.client, workflowId ?? '')).toEqual({ claimDrop: 1 });

      const quarantined = `quarantine/${dataset}/inbox/${path.posix.basename(inboxKey ?? '')}`;
      expect(await harness.resources.deps.objects.head(inboxKey ?? '')).toBeNull();
      expect(await harness.resources.deps.objects.head(quarantined)).not.toBeNull();
      const reason = JSON.parse(await readFile(dataPath(`${quarantined}.reason.json`), 'utf8')) as { reason: string };
      expect(reason.reason).toContain(inboxKey);
      expect(reason.reason).toMatch(problem);

      const status = await runCommandLine(
        ['status', '--from', '2024-04-04', '--to', '2024-04-04', '--datasets', dataset],
        cliEnv(harness.config),
      );
      expect(status.stdout).toContain('Files refused from an inbox');
      expect(status.stdout).toContain(`${dataset}  ${path.posix.basename(inboxKey ?? '')}: ${reason.reason}`);
    },
  );
});

describe('an inbox entry that is not a regular file', () => {
  it('is moved to quarantine unread, with its reason, by the scan listing the inbox', async () => {
    const inbox = dataPath('inbox/enedis');
    await mkdir(inbox, { recursive: true });
    await symlink('/etc/hostname', path.join(inbox, 'linked.xml'));
    const listed: InboxFile[] = await new MockActivityEnvironment().run(
      createDropActivities(harness.resources.deps, harness.client.workflow).listInbox,
      {
        limit: 10,
      },
    );
    expect(listed.map((f) => f.key)).not.toContain('inbox/enedis/linked.xml');
    expect(await readlink(dataPath('quarantine/enedis/inbox/linked.xml'))).toBe('/etc/hostname');
    const reason = JSON.parse(await readFile(dataPath('quarantine/enedis/inbox/linked.xml.reason.json'), 'utf8')) as {
      reason: string;
    };
    expect(reason.reason).toBe(
      'inbox/enedis/linked.xml is a symbolic link (to /etc/hostname), not a regular file: courant reads only regular files from an inbox, so it was moved to quarantine/enedis/inbox/linked.xml unread',
    );
    const again: InboxFile[] = await new MockActivityEnvironment().run(
      createDropActivities(harness.resources.deps, harness.client.workflow).listInbox,
      {
        limit: 10,
      },
    );
    expect(again.map((f) => f.key)).not.toContain('inbox/enedis/linked.xml');
  });
});

describe('an inbox file whose name starts with a dot', () => {
  it('is skipped, said once in the log and listed by courant status while it is there', async () => {
    const inbox = dataPath('inbox/smartmeter');
    await mkdir(inbox, { recursive: true });
    await writeFile(path.join(inbox, '.hidden.csv'), 'meter_id,timestamp,kwh\nm1,2024-01-01T00:00:00Z,1\n');
    const warnings: Array<{ message: string; meta: Record<string, unknown> | undefined }> = [];
    const logger = {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string, meta?: Record<string, unknown>) => warnings.push({ message, meta }),
      error: () => undefined,
    };
    const scan = (): Promise<InboxFile[]> =>
      new MockActivityEnvironment(undefined, { logger }).run(
        createDropActivities(harness.resources.deps, harness.client.workflow).listInbox,
        {
          limit: 10,
        },
      );
    expect((await scan()).map((f) => f.key)).not.toContain('inbox/smartmeter/.hidden.csv');
    await scan();
    const said = warnings.filter((w) => w.message.includes('starts with a dot'));
    expect(said).toHaveLength(1);
    expect(said[0]?.meta).toMatchObject({ entry: 'inbox/smartmeter/.hidden.csv' });

    const status = () =>
      runCommandLine(
        ['status', '--from', '2024-01-01', '--to', '2024-01-01', '--datasets', 'smartmeter'],
        cliEnv(harness.config),
      );
    expect((await status()).stdout).toContain(
      'smartmeter  inbox/smartmeter/.hidden.csv is skipped: a file whose name starts with a dot is never ingested',
    );
    await rm(path.join(inbox, '.hidden.csv'));
    await scan();
    expect((await status()).stdout).not.toContain('.hidden.csv');
  });
});
