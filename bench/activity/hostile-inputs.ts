/**
 * The three large hostile inputs (`test/support/hostile-inputs.ts`, written into the work folder at
 * run time) through the path a worker runs for `courant ingest --wait`: a real `courant worker`
 * process on a Temporal dev server and the embedded document store, local storage, a fresh worker
 * (own task queue, database, data directory, empty parse cache) per input so that its peak RSS is
 * that input's. Each file is put in its inbox as the command does, then `ingestDrop` is started and
 * awaited; it must fail.
 *
 * Reports, per input: seconds from the workflow's start to its failure, the claim's attempts, the
 * worker's peak RSS (VmHWM) at start and after the failure, its CPU seconds, and whether the file
 * is in quarantine with its reason.
 * Usage: node --import tsx bench/activity/hostile-inputs.ts [--work DIR]
 */
import type { Client } from '@temporalio/client';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startIngest } from '../../src/client/start-ingest.js';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { inboxKeys } from '../../src/workflow-safe/keys.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { createStorage } from '../../src/storage/index.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { writeLongLineSmartMeter, writeValueBombR151, writeWhitespaceZip } from '../../test/support/hostile-inputs.js';
import { installChildCleanup } from '../lib/child.js';
import { mb, seconds, table } from '../lib/markdown.js';
import { cpuSeconds } from '../lib/proc.js';
import { startBenchServers } from '../lib/servers.js';
import { startWorkerProcess } from '../orchestration/worker-process.js';
import { argsOf } from '../transform/outputs.js';

interface HostileRun {
  readonly input: string;
  readonly seconds: number;
  readonly claimAttempts: number;
  readonly workerStartPeakRssBytes: number;
  readonly workerPeakRssBytes: number;
  readonly workerCpuSeconds: number;
  readonly reason: string | null;
}

const INPUTS = [
  { dataset: 'enedis', what: 'R151, one `<Valeur>` of 10 MiB of digits', write: writeValueBombR151 },
  {
    dataset: 'smartmeter',
    what: 'smart-meter CSV, line 2 of 54 MB without a line end',
    write: writeLongLineSmartMeter,
  },
  { dataset: 'enedis', what: 'zip, one member of 1.5 GiB of whitespace', write: writeWhitespaceZip },
] as const;

async function claimAttempts(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return Math.max(0, ...(history.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0));
}

async function oneRun(
  input: (typeof INPUTS)[number],
  run: number,
  stack: { temporalAddress: string; mongoBase: string; client: Client; bundles: string },
  workDir: string,
  logDir: string,
): Promise<HostileRun> {
  const name = `hostile-${run}`;
  const dataDir = path.join(workDir, `data-${name}`);
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `bench-${name}-${Date.now()}`,
    MONGODB_URL: `${stack.mongoBase}/bench_${name.replaceAll('-', '_')}`,
    DATA_DIR: dataDir,
    STORAGE_MODE: 'local',
    TMPDIR: await mkdtemp(path.join(workDir, `tmp-${name}-`)),
    WORKFLOW_BUNDLE_DIR: stack.bundles,
  };
  const file = await input.write(await mkdtemp(path.join(workDir, `input-${name}-`)));
  const config = loadConfig({ ...process.env, ...env }, DATASET_MODULES);
  const storage = await createStorage(config);
  const fileName = path.basename(file);
  const inboxKey = inboxKeys.file(input.dataset, await sha256OfFile(file), fileName);
  try {
    await storage.objects.putFile(inboxKey, file);
  } finally {
    await storage.close();
  }
  const worker = await startWorkerProcess(env, path.join(logDir, `worker-${name}.log`));
  try {
    const cpuBefore = cpuSeconds(worker.pid) ?? 0;
    const startPeak = worker.peakRssBytes() ?? 0;
    const started = performance.now();
    const handle = await startIngest(
      stack.client,
      { dataset: input.dataset, inboxKey, options: { fileName } },
      config.temporal.taskQueue,
    );
    const failed = await handle.result().then(
      () => false,
      () => true,
    );
    const elapsed = (performance.now() - started) / 1000;
    if (!failed) throw new Error(`${input.what}: the ingestion succeeded`);
    const quarantined = path.join(dataDir, inboxKeys.quarantined(input.dataset, path.posix.basename(inboxKey)));
    const reason = await readFile(`${quarantined}.reason.json`, 'utf8')
      .then((text) => (JSON.parse(text) as { reason: string }).reason)
      .catch(() => null);
    return {
      input: `${input.dataset}: ${input.what}`,
      seconds: elapsed,
      claimAttempts: await claimAttempts(stack.client, handle.workflowId),
      workerStartPeakRssBytes: startPeak,
      workerPeakRssBytes: worker.peakRssBytes() ?? 0,
      workerCpuSeconds: (cpuSeconds(worker.pid) ?? 0) - cpuBefore,
      reason,
    };
  } finally {
    await worker.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

installChildCleanup();
const args = argsOf(process.argv.slice(2));
const workDir = args.work ?? path.join(os.tmpdir(), 'courant-bench-hostile');
const logDir = path.join(workDir, 'logs');
await mkdir(logDir, { recursive: true });
const bundles = await benchWorkflowBundles();
const servers = await startBenchServers(workDir, logDir);
const runs: HostileRun[] = [];
try {
  for (const [i, input] of INPUTS.entries()) {
    const run = await oneRun(input, i, { ...servers, bundles }, workDir, logDir);
    console.error(`  ${run.input}: ${run.seconds.toFixed(2)} s, peak ${mb(run.workerPeakRssBytes)} MB`);
    runs.push(run);
  }
} finally {
  await servers.stop();
  await rm(workDir, { recursive: true, force: true });
}
console.log(
  table(
    [
      'Input',
      'Workflow start → failure',
      'Claim attempts',
      'Worker peak RSS MB (at start)',
      'Worker CPU s',
      'Quarantined with reason',
    ],
    runs.map((r) => [
      r.input,
      seconds(r.seconds),
      String(r.claimAttempts),
      `${mb(r.workerPeakRssBytes)} (${mb(r.workerStartPeakRssBytes)})`,
      r.workerCpuSeconds.toFixed(1),
      r.reason ?? 'no',
    ]),
  ),
);
console.log(
  `\nload average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')}`,
);
