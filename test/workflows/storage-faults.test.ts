/**
 * Local storage that cannot be written is a configuration fault, not a transient one: the worker
 * refuses to start on it, and a worker that loses write access during a day fails the day with a
 * non-retryable StorageMisconfigured failure naming the path and the variable — it never hangs.
 * Real worker, real Temporal dev server, real document store.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { causeChain } from '../../src/faults/cause-chain.js';
import { ErrorType } from '../../src/workflow-safe/errors.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { loadSampleDay } from '../support/eco2mix-fixtures.js';
import { runCli } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const run = promisify(execFile);
const sample = loadSampleDay();

/** `chattr +i` makes a directory unwritable even for root; not every file system allows it. */
async function makeImmutable(dir: string): Promise<boolean> {
  try {
    await run('chattr', ['+i', dir]);
    return true;
  } catch {
    return false;
  }
}

let scratch: string;
let odre: OdreServer;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-storage-faults-'));
  odre = await startOdreServer({
    'eco2mix-national-tr': sample.realtimeCsv,
    'eco2mix-national-cons-def': sample.consolidatedCsv,
  });
});

afterAll(async () => {
  await odre.close();
  await rm(scratch, { recursive: true, force: true });
});

async function workerRefusal(dataDir: string) {
  const config = await testConfig();
  await rm(config.storage.dataDir, { recursive: true, force: true });
  return runCli(['worker'], { ...cliEnv(config), DATA_DIR: dataDir });
}

describe('the worker refuses to start on a DATA_DIR it cannot write', () => {
  it('names the directory, the reason and DATA_DIR when DATA_DIR is read-only', async (context) => {
    const dataDir = path.join(scratch, 'immutable');
    await mkdir(dataDir);
    if (!(await makeImmutable(dataDir))) context.skip();
    try {
      const r = await workerRefusal(dataDir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`courant: cannot write ${dataDir}`);
      expect(r.stderr).toContain('EPERM');
      expect(r.stderr).toContain('set DATA_DIR to a directory courant can write');
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await run('chattr', ['-i', dataDir]);
    }
  });

  it('names the directory when a part of DATA_DIR is a file', async () => {
    await writeFile(path.join(scratch, 'a-file'), '');
    const dataDir = path.join(scratch, 'a-file', 'data');
    const r = await workerRefusal(dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/courant: cannot write .*a-file.* \(ENOTDIR, a part of the path is a file/);
    expect(r.stderr).toContain('DATA_DIR');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('a worker that loses write access during a day', () => {
  let harness: TestWorkerHarness;

  beforeAll(async () => {
    harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  });

  afterAll(async () => {
    await harness.close();
  });

  it('fails the day once, non-retryably, with StorageMisconfigured naming the path and DATA_DIR', async () => {
    // The worker started on a writable DATA_DIR; now its processed/ tree becomes a file.
    await writeFile(path.join(harness.config.storage.dataDir, 'processed'), 'not a directory');

    const handle = await startDay(harness.client, {
      date: sample.date,
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(
      causeChain(failure).map((level) => (level instanceof ApplicationFailure ? level.type : undefined)),
    ).toContain(ErrorType.DatasetsFailed);

    const child = harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', sample.date));
    const childFailure = await child.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    const storageFault = causeChain(childFailure).find(
      (level): level is ApplicationFailure =>
        level instanceof ApplicationFailure && level.type === ErrorType.StorageMisconfigured,
    );
    expect(storageFault?.nonRetryable).toBe(true);
    expect(storageFault?.message).toContain(path.join(harness.config.storage.dataDir, 'processed'));
    expect(storageFault?.message).toContain('DATA_DIR');

    // The raw download went through; the transform failed at its first attempt, with no retries.
    const { events } = await child.fetchHistory();
    const attempts = (events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    expect(attempts.length).toBeGreaterThan(1);
    expect(Math.max(...attempts)).toBe(1);

    const record = await harness.resources.deps.records.getDayRun('eco2mix', sample.date);
    expect(record?.status).toBe('failed');

    // Every activity of the day had a bounded retry policy; the report ran in the workflow task (a
    // local activity, its retries bounded by its kind in activity-options.ts).
    const parentEvents = (await handle.fetchHistory()).events ?? [];
    const policies = [...parentEvents, ...(events ?? [])].flatMap((e) => {
      const scheduled = e.activityTaskScheduledEventAttributes;
      return scheduled ? [{ activity: scheduled.activityType?.name, max: scheduled.retryPolicy?.maximumAttempts }] : [];
    });
    expect(policies.map((p) => p.activity)).toContain('transformDay');
    for (const policy of policies) expect(policy.max, policy.activity ?? '').toBeGreaterThan(0);
    expect(parentEvents.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toBe(true);
  });
});
