/**
 * The cost of orchestration, on servers started for the run (loopback, free ports, stopped at the
 * end): one eCO2mix day end to end through Temporal (the dev server, a real `courant worker`, the
 * loopback source) against the same activities in a plain loop, then a backfill of many days at
 * several parallelisms.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { startBackfill } from '../../src/client/start-backfill.js';
import { waitForPeriodReport } from '../../src/client/period-report.js';
import { startDay } from '../../src/client/start-day.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import type { ReportPeriod } from '../../src/workflow-safe/periods.js';
import { BENCH_DIR, runChild, tsNode } from '../lib/child.js';
import { cpuSeconds } from '../lib/proc.js';
import { benchWorkerEnv, startBenchServers, type BenchServers } from '../lib/servers.js';
import { startExportServer, type ExportServer } from './export-server.js';
import { dayTimeline, dispatchWaits, secondsInActivities, type TimelineEvent } from './history.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';
import { benchWorkflowBundles } from '../lib/bundles.js';

export type BackfillDriver = 'workflow' | 'client';

export interface OrchestrationOptions {
  readonly workDir: string;
  readonly logDir: string;
  /** Measured end-to-end runs (one warm-up run comes first). */
  readonly dayRuns: number;
  readonly backfillFrom: string;
  readonly backfillTo: string;
  readonly parallelism: readonly number[];
  /** When set, one more backfill of ten years of days (3,650) at this parallelism. */
  readonly tenYearsParallel?: number;
  readonly backfillDriver: BackfillDriver;
  /** The backfill workflow runs every day through `daily/{date}` (`--per-day`), never in ranges. */
  readonly perDay?: boolean;
  /** Days per ranged run (`--days-per-run`); absent: the backfill workflow's default. */
  readonly rangeDays?: number;
  /**
   * Each measured day waits for the reports the day before asked for (its month's, year's, the
   * index: debounced 2 s each), so that it runs alone as a day does. Default true.
   */
  readonly settleReports?: boolean;
  /** When set, a few more days run afterwards on a worker under --cpu-prof writing here. */
  readonly profileDir?: string;
  /** When set, the backfill workers run under --cpu-prof writing here. */
  readonly backfillProfileDir?: string;
  /** Node's flags for the backfill workers besides those (V8's heap sizes, say). */
  readonly backfillNodeFlags?: readonly string[];
  readonly log: (line: string) => void;
}

export interface BackfillRun {
  readonly parallel: number;
  readonly seconds: number;
  readonly days: number;
  readonly succeeded: number;
  readonly workerPeakRssBytes: number;
  /** CPU seconds each process used during the backfill: where the machine's time went. */
  readonly cpuSeconds: { readonly worker: number; readonly temporal: number; readonly documentStore: number };
  /**
   * With `settle`: how long after the backfill its months', years' and the index's reports took to
   * be built, and the CPU seconds of each process meanwhile (the worker's peak includes it).
   */
  readonly reports?: {
    readonly seconds: number;
    readonly cpuSeconds: { readonly worker: number; readonly temporal: number; readonly documentStore: number };
  };
}

export interface OrchestrationResults {
  readonly dayRuns: {
    readonly seconds: readonly number[];
    readonly activitySeconds: readonly number[];
    /** Per run: how long each task waited to be picked up (scheduled → started). */
    readonly dispatchWaits: readonly (readonly number[])[];
    /** Every event of the median run's workflows, in time order. */
    readonly medianTimeline: readonly TimelineEvent[];
    readonly workerPeakRssBytes: number;
  };
  readonly plainLoop: {
    readonly seconds: readonly number[];
    readonly cpuSeconds: readonly number[];
    readonly peakRssBytes: number;
  };
  readonly backfill: readonly BackfillRun[];
  readonly tenYears: BackfillRun | null;
  readonly backfillDriver: BackfillDriver;
  readonly backfillDays: number;
}

/** The days of the end-to-end runs: one warm-up, then distinct days so that every run downloads. */
const DAY_RUNS_FROM = '2023-02-01';
/** The first of the ten years of days (2012–2021), apart from every other day the bench runs. */
const TEN_YEARS_FROM = '2012-01-01';

interface Stack extends BenchServers {
  readonly source: ExportServer;
  /** The workflow bundles built once ahead, as the container image runs them (no bundling at each worker's start). */
  readonly bundles: string;
}

async function startStack(options: OrchestrationOptions, days: readonly string[]): Promise<Stack> {
  const servers = await startBenchServers(options.workDir, options.logDir);
  try {
    const bundles = await benchWorkflowBundles();
    const source = await startExportServer(days);
    return {
      ...servers,
      source,
      bundles,
      async stop() {
        await source.close();
        await servers.stop();
      },
    };
  } catch (error) {
    await servers.stop();
    throw error;
  }
}

/** A worker's environment: its own task queue, database and data directory. */
function workerEnv(stack: Stack, options: OrchestrationOptions, name: string): Record<string, string> {
  return benchWorkerEnv(
    stack,
    name,
    { dataDir: path.join(options.workDir, `data-${name}`), bundles: stack.bundles },
    { ECO2MIX_BASE_URL: stack.source.baseUrl, SOURCE_TIMEOUT_MS: '60000' },
  );
}

async function withWorker<T>(
  stack: Stack,
  options: OrchestrationOptions,
  name: string,
  run: (worker: WorkerProcess, taskQueue: string) => Promise<T>,
  nodeFlags: readonly string[] = [],
): Promise<T> {
  const env = workerEnv(stack, options, name);
  const worker = await startWorkerProcess(env, path.join(options.logDir, `worker-${name}.log`), nodeFlags);
  try {
    return await run(worker, env.TEMPORAL_TASK_QUEUE ?? '');
  } finally {
    await worker.stop();
  }
}

/**
 * Waits for the reports a day asked for (its month's, then that month's year and the index) to be
 * built, so that the next measured day runs alone as a day does: not beside the previous day's
 * report builds on the same worker.
 */
async function settleReports(stack: Stack, date: string, taskQueue: string): Promise<void> {
  const periods: ReportPeriod[] = [
    { kind: 'month', name: date.slice(0, 7) },
    { kind: 'year', name: date.slice(0, 4) },
    { kind: 'index', name: 'index' },
  ];
  for (const period of periods) await waitForPeriodReport(stack.client, period, taskQueue, { timeoutMs: 120_000 });
}

/**
 * Waits until the reports a backfill of `days` asked for are built: its months', then their years'
 * (which the months' builds ask for), then the index.
 */
async function settlePeriodReports(stack: Stack, days: readonly string[], taskQueue: string): Promise<void> {
  const distinct = (names: string[]) => [...new Set(names)];
  const stages: ReportPeriod[][] = [
    distinct(days.map((d) => d.slice(0, 7))).map((name) => ({ kind: 'month', name })),
    distinct(days.map((d) => d.slice(0, 4))).map((name) => ({ kind: 'year', name })),
    [{ kind: 'index', name: 'index' }],
  ];
  for (const periods of stages)
    for (const period of periods) {
      const state = await waitForPeriodReport(stack.client, period, taskQueue, { timeoutMs: 300_000 });
      if (state?.lastError) throw new Error(`the report of ${period.name} failed: ${state.lastError}`);
    }
}

async function runDays(stack: Stack, options: OrchestrationOptions, days: readonly string[], profileDir?: string) {
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return withWorker(
    stack,
    options,
    profileDir ? 'day-profiled' : 'day',
    async (worker, taskQueue) => {
      const seconds: number[] = [];
      const activitySeconds: number[] = [];
      const waits: number[][] = [];
      const timelines: TimelineEvent[][] = [];
      for (const [index, date] of days.entries()) {
        const started = performance.now();
        const handle = await startDay(stack.client, { date, runKind: 'manual', taskQueue });
        await handle.result();
        const elapsed = (performance.now() - started) / 1000;
        if (index === 0) continue;
        seconds.push(elapsed);
        const workflows = [`daily/${date}`, `day/eco2mix/${date}`];
        activitySeconds.push(await secondsInActivities(stack.client, workflows));
        waits.push(await dispatchWaits(stack.client, workflows));
        timelines.push(await dayTimeline(stack.client, workflows));
        options.log(`  day ${date}: ${elapsed.toFixed(3)} s`);
        if (options.settleReports !== false) await settleReports(stack, date, taskQueue);
      }
      const order = seconds.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
      const medianRun = order[Math.floor(order.length / 2)]?.[1] ?? 0;
      return {
        seconds,
        activitySeconds,
        dispatchWaits: waits,
        medianTimeline: timelines[medianRun] ?? [],
        workerPeakRssBytes: worker.peakRssBytes() ?? 0,
      };
    },
    nodeFlags,
  );
}

async function runPlainLoop(stack: Stack, options: OrchestrationOptions, days: readonly string[]) {
  const env = workerEnv(stack, options, 'plain');
  const [command, args] = tsNode(path.join(BENCH_DIR, 'orchestration', 'plain-loop.ts'), ['--dates', days.join(',')]);
  return runChild<{ seconds: number[]; cpuSeconds: number[]; peakRssBytes: number }>(command, args, {
    logFile: path.join(options.logDir, 'plain-loop.log'),
    env: { ...env, LOG_LEVEL: 'warn' },
  });
}

/** Runs `days` with at most `parallel` in flight: the backfill workflow, or the bench client itself. */
async function backfillAt(
  stack: Stack,
  options: OrchestrationOptions,
  days: readonly string[],
  parallel: number,
  settle = false,
): Promise<BackfillRun> {
  const profiled = options.backfillProfileDir;
  const nodeFlags = [
    ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profiled, `parallel-${parallel}`)}`] : []),
    ...(options.backfillNodeFlags ?? []),
  ];
  return withWorker(
    stack,
    options,
    `backfill-${parallel}`,
    async (worker, taskQueue) => {
      const cpu = () => ({
        worker: cpuSeconds(worker.pid) ?? 0,
        temporal: cpuSeconds(stack.pids.temporal) ?? 0,
        documentStore: cpuSeconds(stack.pids.documentStore) ?? 0,
      });
      const before = cpu();
      const started = performance.now();
      let succeeded = 0;
      if (options.backfillDriver === 'workflow') {
        const input = {
          from: days[0] ?? '',
          to: days.at(-1) ?? '',
          mode: 'all',
          parallel,
          ...(options.perDay ? { perDay: true } : {}),
          ...(options.rangeDays ? { rangeDays: options.rangeDays } : {}),
        } as const;
        const handle = await startBackfill(stack.client, input, `bench-${parallel}-${Date.now()}`, taskQueue);
        succeeded = (await handle.result()).succeeded;
      } else {
        let next = 0;
        const backfillId = `bench-${parallel}-${Date.now()}`;
        const lane = async () => {
          for (let i = next++; i < days.length; i = next++) {
            const date = days[i] ?? '';
            const handle = await startDay(stack.client, { date, runKind: 'backfill', backfillId, taskQueue });
            try {
              await handle.result();
              succeeded += 1;
            } catch (error) {
              options.log(`  ${date} failed: ${String(error)}`);
            }
          }
        };
        await Promise.all(Array.from({ length: parallel }, lane));
      }
      const seconds = (performance.now() - started) / 1000;
      const after = cpu();
      const spent = (from: typeof before, to: typeof before) => ({
        worker: to.worker - from.worker,
        temporal: to.temporal - from.temporal,
        documentStore: to.documentStore - from.documentStore,
      });
      options.log(`  backfill of ${days.length} days at parallel ${parallel}: ${seconds.toFixed(1)} s`);
      let reports: BackfillRun['reports'];
      if (settle) {
        await settlePeriodReports(stack, days, taskQueue);
        reports = { seconds: (performance.now() - started) / 1000 - seconds, cpuSeconds: spent(after, cpu()) };
        options.log(`  its reports built ${reports.seconds.toFixed(1)} s later`);
      }
      return {
        parallel,
        seconds,
        days: days.length,
        succeeded,
        workerPeakRssBytes: worker.peakRssBytes() ?? 0,
        cpuSeconds: spent(before, after),
        ...(reports ? { reports } : {}),
      };
    },
    nodeFlags,
  );
}

export async function runOrchestration(options: OrchestrationOptions): Promise<OrchestrationResults> {
  await mkdir(options.workDir, { recursive: true });
  const dayDates = datesInRange(DAY_RUNS_FROM, '2023-12-31').slice(0, options.dayRuns + 1);
  const profiledDates = datesInRange('2023-09-01', '2023-09-06');
  const plainDates = datesInRange('2024-02-01', '2024-12-31').slice(0, options.dayRuns + 1);
  const backfillDates = datesInRange(options.backfillFrom, options.backfillTo);
  const tenYearsDates = options.tenYearsParallel ? datesInRange(TEN_YEARS_FROM, '2030-12-31').slice(0, 3650) : [];
  options.log('starting the document store, the Temporal dev server and the loopback source');
  const stack = await startStack(options, [
    ...dayDates,
    ...profiledDates,
    ...plainDates,
    ...backfillDates,
    ...tenYearsDates,
  ]);
  try {
    options.log(`one day end to end through Temporal, ${options.dayRuns} runs after a warm-up`);
    const dayRuns = await runDays(stack, options, dayDates);
    if (options.profileDir) {
      options.log(`${profiledDates.length - 1} more days on a worker under --cpu-prof`);
      await mkdir(options.profileDir, { recursive: true });
      await runDays(stack, options, profiledDates, options.profileDir);
    }
    options.log(`the same activities in a plain loop, ${options.dayRuns} days after a warm-up`);
    const plainLoop = await runPlainLoop(stack, options, plainDates);
    const backfill: BackfillRun[] = [];
    for (const parallel of options.parallelism)
      backfill.push(await backfillAt(stack, options, backfillDates, parallel));
    let tenYears: BackfillRun | null = null;
    if (options.tenYearsParallel) {
      options.log(`ten years: ${tenYearsDates.length} days at parallel ${options.tenYearsParallel}`);
      tenYears = await backfillAt(stack, options, tenYearsDates, options.tenYearsParallel, true);
    }
    return {
      dayRuns,
      plainLoop,
      backfill,
      tenYears,
      backfillDriver: options.backfillDriver,
      backfillDays: backfillDates.length,
    };
  } finally {
    await stack.stop();
    await rm(options.workDir, { recursive: true, force: true });
  }
}
