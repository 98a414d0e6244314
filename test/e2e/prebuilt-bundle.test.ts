/**
 * A worker given WORKFLOW_BUNDLE_DIR (as the container image sets it) runs the workflows bundled
 * ahead, without bundling at start, and a day succeeds on it; a directory without the bundle stops
 * the worker at start, naming the variable.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { BUNDLE_FILES } from '../../src/workers/prebuilt-bundle.js';
import { uniqueName } from '../support/names.js';
import { runCli } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { testNamespace } from '../support/namespaces.js';

const DAY = '2022-03-09';
let dir: string;
let odre: OdreServer;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-bundle-'));
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport(DAY, DAY),
    'eco2mix-national-cons-def': emptyExport(),
  });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await odre.close();
  await rm(dir, { recursive: true, force: true });
});

function env(bundleDir: string): Record<string, string> {
  const mongo = new URL(inject('mongodbUrl'));
  mongo.pathname = `/${uniqueName('bundle')}`;
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: testNamespace(),
    TEMPORAL_TASK_QUEUE: uniqueName('q'),
    MONGODB_URL: mongo.toString(),
    DATA_DIR: path.join(dir, 'data'),
    ECO2MIX_BASE_URL: odre.baseUrl,
    STORAGE_MODE: 'local',
    WORKFLOW_BUNDLE_DIR: bundleDir,
  };
}

describe('a worker with WORKFLOW_BUNDLE_DIR', () => {
  it('runs the prebuilt bundle without bundling at start, and a day succeeds on it', async () => {
    // Built once for the suite as `npm run build:bundle` builds them (test/support/global-setup.ts).
    const bundles = inject('workflowBundleDir');
    expect((await readdir(bundles)).sort()).toEqual([BUNDLE_FILES.tracing, BUNDLE_FILES.plain].sort());
    const settings = env(bundles);
    const worker = startWorkerProcess(settings);
    workers.push(worker);
    await worker.ready;
    expect(worker.output()).toContain(`"codePath":"${path.join(bundles, BUNDLE_FILES.plain)}"`);

    const r = await runCli(['run', '--date', DAY, '--wait'], settings);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  });

  it('stops at start, naming WORKFLOW_BUNDLE_DIR, when the directory holds no bundle', async () => {
    const worker = startWorkerProcess(env(path.join(dir, 'empty')));
    workers.push(worker);
    await expect(worker.ready).rejects.toThrow(/WORKFLOW_BUNDLE_DIR: no workflow-bundle\.js in /);
    expect(worker.child.exitCode).toBe(2);
  });
});
