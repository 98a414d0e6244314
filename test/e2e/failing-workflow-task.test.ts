/**
 * A backfill whose workflow task keeps failing (its history written by other code, so the worker's
 * code cannot replay it): `courant backfill --wait` says it is blocked and why instead of the last
 * progress, `courant status` names it (and `--check` exits 1), and the worker's Prometheus endpoint
 * counts the failures that the CourantWorkflowTaskFailing alert watches; the suite's replay of every
 * history finds it.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/stack/ports.js';
import { pauseSignal } from '../../src/workflow-safe/backfill-messages.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';
import { startCourantProcess, type CourantProcess } from '../support/courant-process.js';
import { uniqueName } from '../support/names.js';
import { UNREPLAYABLE_NAMESPACE } from '../support/namespaces.js';
import { replayEveryHistory } from '../support/replay-every-history.js';
import { runCli } from '../support/run-cli.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { prebuiltBundleEnv } from '../support/prebuilt-bundle-env.js';
import { readUntil } from '../support/deadlines.js';

const DAY = '2022-05-02';

let dataDir: string;
let env: Record<string, string> & { TEMPORAL_TASK_QUEUE: string };
let metricsAddress: string;
let connection: Connection;
let client: Client;
const processes: Array<CourantProcess | WorkerProcess> = [];

/** Resolves once `ready()` holds, looking every 100 ms; fails naming `what` past the wait's deadline. */
async function until(what: string, ready: () => Promise<boolean> | boolean): Promise<void> {
  if (
    !(await readUntil(
      async () => ready(),
      (holds) => holds,
      100,
    ))
  )
    throw new Error(`never: ${what}`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'courant-blocked-'));
  const mongo = new URL(inject('mongodbUrl'));
  mongo.pathname = `/${uniqueName('blocked')}`;
  metricsAddress = `127.0.0.1:${await freePort()}`;
  env = {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: UNREPLAYABLE_NAMESPACE,
    TEMPORAL_TASK_QUEUE: uniqueName('q'),
    MONGODB_URL: mongo.toString(),
    DATA_DIR: dataDir,
    STORAGE_MODE: 'local',
    ...prebuiltBundleEnv(),
  };
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: UNREPLAYABLE_NAMESPACE });
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await connection.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a backfill whose workflow task keeps failing', () => {
  it('is shown blocked by --wait, named by courant status, and counted in the worker metrics', async () => {
    const id = uniqueName('blocked');
    const handle = client.workflow.getHandle(workflowIds.backfill(id));
    // Its first task run by other code: the history the real worker meets is not the real code's.
    const other = await Worker.create({
      connection: await NativeConnection.connect({ address: inject('temporalAddress') }),
      namespace: UNREPLAYABLE_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowBundle: {
        code: (
          await bundleWorkflows(path.join(path.dirname(fileURLToPath(import.meta.url)), 'unreplayable-backfill.ts'))
        ).code,
      },
    });
    const waiting = startCourantProcess(
      ['backfill', '--from', DAY, '--to', DAY, '--id', id, '--wait'],
      env,
      (output) => output.includes('[') && output.includes('days'),
    );
    processes.push(waiting);
    await other.runUntil(async () => {
      await waiting.ready;
      await until(
        'its first task done',
        async () => (await handle.fetchHistory()).events?.some((event) => event.timerStartedEventAttributes) === true,
      );
    });

    const worker = startWorkerProcess({ ...env, METRICS_ADDRESS: metricsAddress });
    processes.push(worker);
    await worker.ready;
    await handle.signal(pauseSignal);

    await until('--wait says it is blocked', () => waiting.output().includes('blocked: '));
    const blocked =
      waiting
        .output()
        .split('\n')
        .find((line) => line.startsWith('blocked: ')) ?? '';
    expect(blocked).toContain(`backfill/${id} (backfill): its workflow task failed`);
    expect(blocked).toContain('[NON_DETERMINISTIC_ERROR]');
    expect(blocked).toContain('[TMPRL1100] Nondeterminism error');

    const status = await runCli(['status', '--date', DAY, '--check'], env);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('Workflows whose task keeps failing (1)');
    expect(status.stdout).toMatch(new RegExp(`  backfill/${id} \\(backfill\\): its workflow task failed \\d+ times`));
    expect(status.stderr).toContain('1 workflow(s) whose task keeps failing');

    const metrics = await (await fetch(`http://${metricsAddress}/metrics`)).text();
    const failures = metrics
      .split('\n')
      .filter((line) => line.startsWith('temporal_workflow_task_execution_failed_total{'))
      .filter((line) => line.includes('workflow_type="backfill"'));
    expect(failures.length, metrics).toBeGreaterThan(0);
    expect(Number(failures[0]?.split(' ').at(-1))).toBeGreaterThanOrEqual(1);

    // The suite's replay of every history finds it (in its own namespace, so that the suite does not fail).
    const tally = await replayEveryHistory({
      address: inject('temporalAddress'),
      namespaces: [UNREPLAYABLE_NAMESPACE],
      bundlePath: inject('workflowBundlePath'),
      failuresDir: path.join(dataDir, 'replay-failures'),
    });
    expect(
      tally.failures.map((f) => [f.workflowId, f.message.includes('[TMPRL1100] Nondeterminism error')]),
    ).toContainEqual([`backfill/${id}`, true]);
    expect(await readdir(path.join(dataDir, 'replay-failures'))).toHaveLength(tally.failures.length);

    await handle.terminate('the test is over');
    await until('--wait ends', () => waiting.child.exitCode !== null);
    expect(waiting.child.exitCode).toBe(1);
  });
});
