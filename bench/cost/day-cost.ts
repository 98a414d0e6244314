/**
 * The cost of a day: for one day of every dataset, what each activity and each stage inside it
 * costs (CPU and wall time, DuckDB statements, objects and bytes read and written, record-store
 * calls) and what the day costs the whole stack (worker, dev server, document store; workflow tasks,
 * history events), beside the previous full run's figures and each activity's budget. Writes the
 * "The cost of a day" section of RESULTS.md; a full run fails when an activity is over its budget
 * by more than 25 % or has none, a smoke run only prints. And eCO2mix's days run in one range
 * (`courant backfill` in ranges), a day of it beside a day of its own, stage by stage.
 * Alone: node --import tsx bench/cost/day-cost.ts [--smoke] [--days N] [--datasets a,b] [--out FILE] [--profile DIR]
 * (--profile: the worker's process under --cpu-prof, its profile written in DIR).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { BENCH_DIR, runChild, trackChild, tsNode } from '../lib/child.js';
import { benchWorkerEnv, startBenchServers } from '../lib/servers.js';
import { DAY_BUDGETS, OVER_BUDGET_NOISE_MS, OVER_BUDGET_TOLERANCE, REPORTS_AFTER, WORKFLOW_TASKS } from './budget.js';
import { datasetModels, ledgerByDay, rangedDayModels, type DatasetModel } from './ledger.js';
import { costMarkdown, writeCostSection } from './markdown.js';
import type { RunDaysReport } from './run-days.js';

export interface DayCostOptions {
  readonly smoke: boolean;
  /** Measured days per dataset (after a warm-up day). */
  readonly days: number;
  readonly out: string;
  readonly log: (line: string) => void;
  /** Only these datasets (all when absent). */
  readonly datasets?: readonly string[];
  /** When set, the worker's process runs under --cpu-prof writing here. */
  readonly profileDir?: string;
}

export interface OverBudget {
  readonly dataset: string;
  readonly activity: string;
  readonly cpuMs: number;
  /** Null: the activity has no budget. */
  readonly budgetMs: number | null;
}

/** The figures of the last full run, printed beside the new ones. */
export const PREVIOUS_FILE = path.join(BENCH_DIR, 'cost', 'previous.json');

/** Activities over their budget by more than the tolerance (and the noise), and activities without one. */
export function overBudget(models: readonly DatasetModel[]): OverBudget[] {
  return models.flatMap((model) => {
    const budget = DAY_BUDGETS[model.dataset] ?? {};
    const measured = [
      ...model.activities.map((a) => ({ activity: a.activity, cpuMs: a.cpuMs })),
      { activity: WORKFLOW_TASKS, cpuMs: model.outsideActivitiesCpuMs },
      { activity: REPORTS_AFTER, cpuMs: model.reports.activities.reduce((total, a) => total + a.cpuMs, 0) },
    ];
    return measured.flatMap(({ activity, cpuMs }): OverBudget[] => {
      const budgetMs = budget[activity];
      if (budgetMs === undefined) return [{ dataset: model.dataset, activity, cpuMs, budgetMs: null }];
      const over = cpuMs > budgetMs * (1 + OVER_BUDGET_TOLERANCE) && cpuMs - budgetMs > OVER_BUDGET_NOISE_MS;
      return over ? [{ dataset: model.dataset, activity, cpuMs, budgetMs }] : [];
    });
  });
}

/** Starts demo-sources.ts; returns the file holding the sources' configurations, and how to stop them. */
async function startDemoSources(
  env: Readonly<Record<string, string>>,
  work: string,
  logFile: string,
): Promise<{ file: string; stop(): Promise<void> }> {
  const [command, args] = tsNode(path.join(BENCH_DIR, 'cost', 'demo-sources.ts'), []);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  trackChild(child);
  const log = createWriteStream(logFile);
  child.stderr.pipe(log);
  const exited = once(child, 'exit');
  let seen = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /^SOURCES (.*)$/m.exec(seen);
      if (found?.[1]) resolve(found[1]);
    });
    void exited.then(() => reject(new Error(`the demo sources exited before answering; see ${logFile}`)));
  });
  const file = path.join(work, 'sources.json');
  await writeFile(file, line);
  return {
    file,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function previousModels(): Promise<DatasetModel[]> {
  const text = await readFile(PREVIOUS_FILE, 'utf8').catch(() => '[]');
  return JSON.parse(text) as DatasetModel[];
}

/** Runs the cost model's days on servers of its own and writes its section; returns what is over budget. */
export async function benchDayCost(options: DayCostOptions): Promise<OverBudget[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'courant-day-cost-'));
  const logDir = path.join(work, 'logs');
  await mkdir(logDir, { recursive: true });
  const servers = await startBenchServers(work, logDir);
  try {
    const bundles = await benchWorkflowBundles();
    const ledger = path.join(work, 'ledger.jsonl');
    const env = benchWorkerEnv(
      servers,
      'day-cost',
      { dataDir: path.join(work, 'data'), bundles },
      { COST_LEDGER_FILE: ledger, LOG_LEVEL: 'warn' },
    );
    options.log(`the cost of a day: every dataset, ${options.days} day(s) each after a warm-up, one at a time`);
    const sources = await startDemoSources(env, work, path.join(logDir, 'demo-sources.log'));
    const [command, args] = tsNode(
      path.join(BENCH_DIR, 'cost', 'run-days.ts'),
      [
        '--days',
        String(options.days),
        '--sources',
        sources.file,
        '--temporal-pid',
        String(servers.pids.temporal),
        '--store-pid',
        String(servers.pids.documentStore),
        ...(options.datasets ? ['--datasets', options.datasets.join(',')] : []),
        ...(options.smoke ? ['--quick', 'true'] : []),
      ],
      options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [],
    );
    let report: RunDaysReport;
    try {
      report = await runChild<RunDaysReport>(command, args, {
        logFile: path.join(logDir, 'run-days.log'),
        env,
        timeoutMs: 20 * 60_000,
      });
    } finally {
      await sources.stop();
    }
    const byDay = await ledgerByDay(ledger);
    const models = datasetModels(report.days, byDay);
    const ranged = rangedDayModels(report.ranges, byDay);
    const over = overBudget(models);
    const previous = await previousModels();
    const markdown = costMarkdown({ models, ranged, previous, over, smoke: options.smoke });
    await writeCostSection(options.out, markdown);
    process.stdout.write(`${markdown}\n`);
    // A run of some datasets (--datasets) replaces their figures only.
    const measured = new Set(models.map((model) => model.dataset));
    const kept = [...previous.filter((model) => !measured.has(model.dataset)), ...models];
    if (!options.smoke) await writeFile(PREVIOUS_FILE, `${JSON.stringify(kept, null, 2)}\n`);
    return over;
  } finally {
    await servers.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * `OVER BUDGET` lines, one an activity; at smoke size (one cold day, not a verdict) they say so and
 * read `over at smoke size`, so that a suite's log never shows a verdict no one gave.
 */
export function overBudgetLines(over: readonly OverBudget[], options: { smoke: boolean }): string[] {
  const verdict = options.smoke ? 'over at smoke size (one day, not a verdict):' : 'OVER BUDGET';
  return over.map((o) =>
    o.budgetMs === null
      ? `NO BUDGET ${o.dataset} ${o.activity}: ${o.cpuMs.toFixed(1)} CPU-ms a day, and bench/cost/budget.ts states none`
      : `${verdict} ${o.dataset} ${o.activity}: ${o.cpuMs.toFixed(1)} CPU-ms a day against ${o.budgetMs} (+${Math.round(
          (o.cpuMs / o.budgetMs - 1) * 100,
        )} %, more than ${OVER_BUDGET_TOLERANCE * 100} % over)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      days: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      datasets: { type: 'string' },
    },
  });
  const smoke = values.smoke ?? false;
  const out =
    values.out ??
    (smoke ? path.join(os.tmpdir(), 'courant-bench-smoke', 'RESULTS.md') : path.join(BENCH_DIR, 'RESULTS.md'));
  await mkdir(path.dirname(out), { recursive: true });
  const over = await benchDayCost({
    smoke,
    days: Number(values.days ?? (smoke ? 1 : 10)),
    out,
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
    ...(values.profile ? { profileDir: path.resolve(values.profile) } : {}),
    ...(values.datasets ? { datasets: values.datasets.split(',') } : {}),
  });
  for (const line of overBudgetLines(over, { smoke })) process.stderr.write(`${line}\n`);
  if (over.length > 0 && !smoke) process.exitCode = 1;
}
