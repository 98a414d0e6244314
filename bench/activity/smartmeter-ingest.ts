/**
 * One smart-meter day through the path a worker runs for `courant ingest --dataset smartmeter`: a
 * real `courant worker` process (the production bootstrap) on a Temporal dev server and the
 * embedded document store, local storage. The file is put in the inbox first, as the command does
 * (hashing and copying it are the command's, not the worker's, and are not timed); then the
 * `ingestDrop` workflow is started and awaited: claim → transform → metrics (anomalies scored) →
 * quality → report. A fresh worker (own task queue, database, data directory, an empty parse cache;
 * the workflow bundle built ahead, as the container image runs it) per run, so that
 * every run claims and ingests the file anew and the peak RSS is that run's.
 *
 * Reports, per run: seconds from the workflow's start to its result, the seconds inside each
 * activity type (from the histories, child workflows included), the worker's peak RSS (VmHWM)
 * and CPU seconds.
 * Usage: node --import tsx bench/activity/smartmeter-ingest.ts [--rows N] [--runs R] [--work DIR]
 * (`DUCKDB_MEMORY_LIMIT` in the environment is given to the worker: its DuckDB's limit, 256MB by default).
 */
import type { Client } from '@temporalio/client';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startIngest } from '../../src/client/start-ingest.js';
import { loadConfig } from '../../src/config/index.js';
import { inboxKeys } from '../../src/workflow-safe/keys.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { createStorage } from '../../src/storage/index.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { smartMeterInput } from '../inputs/smartmeter.js';
import { installChildCleanup } from '../lib/child.js';
import { int, mb, seconds, table } from '../lib/markdown.js';
import { cpuSeconds } from '../lib/proc.js';
import { startBenchServers } from '../lib/servers.js';
import { startWorkerProcess } from '../orchestration/worker-process.js';
import { ms } from '../orchestration/history.js';
import { argsOf } from '../transform/outputs.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

const DATASET = 'smartmeter';

export interface IngestRun {
  readonly seconds: number;
  /** Seconds inside activities, by activity type (every attempt that completed). */
  readonly activitySeconds: Readonly<Record<string, number>>;
  readonly workerPeakRssBytes: number;
  /** The worker's peak RSS once started, before the ingestion: what its start-up alone takes. */
  readonly workerStartPeakRssBytes: number;
  readonly workerCpuSeconds: number;
  readonly days: number;
}

export interface IngestBenchOptions {
  readonly rows: number;
  readonly runs: number;
  readonly workDir: string;
  readonly logDir: string;
  readonly log: (line: string) => void;
}

/** Seconds per activity type in a workflow and the children it started, recursively. */
async function activitySecondsOf(client: Client, workflowId: string, into: Record<string, number>): Promise<void> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const types = new Map<string, string>();
  const started = new Map<string, number>();
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(id, scheduled.activityType?.name ?? 'unknown');
    const start = event.activityTaskStartedEventAttributes;
    if (start) started.set(id, ms(event.eventTime));
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const from = started.get(String(done.startedEventId));
      const type = types.get(String(done.scheduledEventId)) ?? 'unknown';
      if (from !== undefined) into[type] = (into[type] ?? 0) + (ms(event.eventTime) - from) / 1000;
    }
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) await activitySecondsOf(client, child, into);
  }
}

async function oneRun(
  file: string,
  run: number,
  stack: { temporalAddress: string; mongoBase: string; client: Client; bundles: string },
  options: IngestBenchOptions,
): Promise<IngestRun> {
  const name = `ingest-${run}`;
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `bench-${name}`,
    MONGODB_URL: `${stack.mongoBase}/bench_${name.replaceAll('-', '_')}`,
    DATA_DIR: path.join(options.workDir, `data-${name}`),
    STORAGE_MODE: 'local',
    // An empty parse cache: the file is parsed by this run.
    TMPDIR: await mkdtemp(path.join(options.workDir, `tmp-${name}-`)),
    WORKFLOW_BUNDLE_DIR: stack.bundles,
    ...(process.env.DUCKDB_MEMORY_LIMIT ? { DUCKDB_MEMORY_LIMIT: process.env.DUCKDB_MEMORY_LIMIT } : {}),
  };
  const config = loadConfig({ ...process.env, ...env }, DATASET_MODULES);
  const storage = await createStorage(config);
  const fileName = path.basename(file);
  const inboxKey = inboxKeys.file(DATASET, await sha256OfFile(file), fileName);
  try {
    await storage.objects.putFile(inboxKey, file);
  } finally {
    await storage.close();
  }
  const worker = await startWorkerProcess(env, path.join(options.logDir, `worker-${name}.log`));
  try {
    const cpuBefore = cpuSeconds(worker.pid) ?? 0;
    const startPeak = worker.peakRssBytes() ?? 0;
    const started = performance.now();
    const handle = await startIngest(
      stack.client,
      { dataset: DATASET, inboxKey, options: { fileName } },
      config.temporal.taskQueue,
    );
    const result = await handle.result();
    const elapsed = (performance.now() - started) / 1000;
    const activitySeconds: Record<string, number> = {};
    await activitySecondsOf(stack.client, handle.workflowId, activitySeconds);
    const report: IngestRun = {
      seconds: elapsed,
      activitySeconds,
      workerPeakRssBytes: worker.peakRssBytes() ?? 0,
      workerStartPeakRssBytes: startPeak,
      workerCpuSeconds: (cpuSeconds(worker.pid) ?? 0) - cpuBefore,
      days: result.days.length,
    };
    options.log(
      `  ${name}: ${elapsed.toFixed(2)} s, worker peak ${mb(report.workerPeakRssBytes)} MB, ${JSON.stringify(activitySeconds)}`,
    );
    return report;
  } finally {
    await worker.stop();
    await rm(env.DATA_DIR ?? '', { recursive: true, force: true });
  }
}

/** Runs the measured ingestions on one dev server and document store, stopped at the end. */
export async function benchSmartMeterIngest(options: IngestBenchOptions): Promise<IngestRun[]> {
  const file = await smartMeterInput(options.rows);
  await mkdir(options.workDir, { recursive: true });
  await mkdir(options.logDir, { recursive: true });
  const bundles = await benchWorkflowBundles();
  const servers = await startBenchServers(options.workDir, options.logDir);
  try {
    const runs: IngestRun[] = [];
    for (let run = 0; run < options.runs; run += 1) {
      runs.push(await oneRun(file, run, { ...servers, bundles }, options));
    }
    return runs;
  } finally {
    await servers.stop();
  }
}

/** The runs as a markdown table: time, the main activities, the worker's peak RSS and CPU. */
export function ingestRunsMarkdown(rows: number, runs: readonly IngestRun[]): string {
  const steps = ['claimDrop', 'transformDay', 'computeMetrics', 'checkQuality', 'buildDailyReport'];
  const activity = (r: IngestRun, type: string) => r.activitySeconds[type] ?? 0;
  return table(
    [
      'Run',
      'Rows',
      'Workflow start → result',
      ...steps,
      'other activities',
      'Worker peak RSS MB (at start)',
      'Worker CPU s',
    ],
    runs.map((r, i) => {
      const other = Object.entries(r.activitySeconds)
        .filter(([type]) => !steps.includes(type))
        .reduce((sum, [, s]) => sum + s, 0);
      return [
        String(i + 1),
        int(rows),
        seconds(r.seconds),
        ...steps.map((type) => seconds(activity(r, type))),
        seconds(other),
        `${mb(r.workerPeakRssBytes)} (${mb(r.workerStartPeakRssBytes)})`,
        r.workerCpuSeconds.toFixed(1),
      ];
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  installChildCleanup();
  const args = argsOf(process.argv.slice(2));
  const rows = Number(args.rows ?? 10_000_000);
  const workDir = args.work ?? path.join(os.tmpdir(), 'courant-bench-ingest');
  const runs = await benchSmartMeterIngest({
    rows,
    runs: Number(args.runs ?? 1),
    workDir,
    logDir: path.join(workDir, 'logs'),
    log: (line) => console.error(line),
  });
  console.log(ingestRunsMarkdown(rows, runs));
  console.log(`\n${JSON.stringify(runs)}`);
}
