/**
 * The cost model's runs, in a process of their own: a worker with the cost ledger on (the
 * production bootstrap, `runWorker`, COST_LEDGER_FILE set), every dataset's source played on
 * loopback by its demo or its files dropped in the inbox, then days run one at a time, one dataset
 * at a time, through `daily/{date}` on the dev server. For each day: its wall time, the CPU the
 * worker's process, the dev server and the document store used for it, its workflow tasks and
 * history events. The ledger says what each activity of it cost. Then the days of a dataset that
 * runs in ranges (eCO2mix) before its demo's default day, as one range of a backfill, measured whole.
 * Configured by the same environment as `courant worker`.
 * Usage: run-days.ts --days N --sources FILE --temporal-pid P --store-pid P [--datasets a,b] [--quick true]
 * (the first day of each dataset is a warm-up, but with --quick, which does not wait for the
 * reports either; FILE: each demo's configuration, as demo-sources.ts printed it)
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { startBackfill } from '../../src/client/start-backfill.js';
import { startDay } from '../../src/client/start-day.js';
import { startIngest } from '../../src/client/start-ingest.js';
import { withDemo, type DemoModule } from '../../src/cli/demo-datasets.js';
import { seedDemoSnapshots } from '../../src/cli/demo-snapshots.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createCatalog } from '../../src/datasets/catalog.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createStorage } from '../../src/storage/index.js';
import { inboxKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { nextDate, previousDate } from '../../src/workflow-safe/partition.js';
import { MIN_DAYS_PER_RANGE } from '../../src/workflow-safe/ranges.js';
import { createLogger } from '../../src/workers/logger.js';
import { connectClient } from '../../src/workers/temporal-connection.js';
import { runWorker } from '../../src/workers/worker.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { printReport } from '../lib/child.js';
import { cpuSeconds } from '../lib/proc.js';
import { argsOf, required } from '../transform/outputs.js';
import { z } from 'zod';

/** A day of one dataset, as the cost model measured it from outside the activities. */
export interface MeasuredDay {
  readonly dataset: string;
  readonly date: string;
  readonly warmUp: boolean;
  readonly wallMs: number;
  /** From its start to its result. */
  readonly cpuMs: StackCpu;
  readonly workflowTasks: number;
  readonly historyEvents: number;
  /** The reports it asked for (its month's, that year's, the index), built after it. */
  readonly reports: { readonly wallMs: number; readonly cpuMs: StackCpu };
}

/** CPU milliseconds each process of the stack used. */
export interface StackCpu {
  readonly worker: number;
  readonly temporal: number;
  readonly documentStore: number;
}

/** A ranged run of consecutive days of one dataset (`courant backfill` in ranges), measured whole. */
export interface MeasuredRange {
  readonly dataset: string;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly wallMs: number;
  /** From the backfill's start to its result: the range and the backfill around it. */
  readonly cpuMs: StackCpu;
  readonly workflowTasks: number;
  readonly historyEvents: number;
}

export interface RunDaysReport {
  readonly days: readonly MeasuredDay[];
  /** eCO2mix days run in one range, after its days run one at a time. */
  readonly ranges: readonly MeasuredRange[];
  /** Files dropped for the datasets fed by files: what claiming each cost is in the ledger. */
  readonly drops: ReadonlyArray<{ readonly dataset: string; readonly file: string; readonly days: number }>;
}

/** The real files dropped for the datasets without a demo, cut to their first days by `cut`. */
const DROPS: Readonly<Record<string, { readonly file: string; readonly options?: Record<string, string> }>> = {
  smartmeter: { file: path.join('test', 'fixtures', 'smartmeter', 'jaslemkaril_kaggle_ziya07_smart_meter_data.csv') },
  enedis: { file: path.join('test', 'fixtures', 'enedis', 'electricore_r151.xml') },
};

/** A CSV kept to its header and the rows of its first `days` calendar days (the Kaggle file spans 105). */
async function firstDaysOf(file: string, days: number, dir: string): Promise<string> {
  if (!file.endsWith('.csv')) return file;
  const [header = '', ...rows] = (await readFile(file, 'utf8')).split('\n');
  const kept: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const day = row.slice(0, 10);
    if (!seen.has(day) && seen.size === days) break;
    seen.add(day);
    kept.push(row);
  }
  const cut = path.join(dir, `first-${days}-days-${path.basename(file)}`);
  await writeFile(cut, `${[header, ...kept].join('\n')}\n`);
  return cut;
}

/** The first `count` days from the demo's default day that it covers. */
function demoDates(demoed: DemoModule, count: number): string[] {
  const dates: string[] = [];
  for (
    let date = demoed.demo.defaultDate, tries = 0;
    dates.length < count && tries < 400;
    date = nextDate(date), tries++
  )
    if (demoed.demo.covers(date)) dates.push(date);
  return dates;
}

function cpuMsOf(pid: number): number {
  return (cpuSeconds(pid) ?? 0) * 1000;
}

/** Workflow tasks completed and events, in every workflow the day ran (the day, its child). */
async function historyCounts(client: Client, workflowIdList: readonly string[]) {
  let workflowTasks = 0;
  let historyEvents = 0;
  for (const workflowId of workflowIdList) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    for (const event of history.events ?? []) {
      historyEvents += 1;
      if (event.workflowTaskCompletedEventAttributes) workflowTasks += 1;
    }
  }
  return { workflowTasks, historyEvents };
}

/** The reports a day asks for: its month's, that year's, the index. */
const REPORTS_OF_A_DAY = 3;

/**
 * Waits until the ledger holds the builds of the reports the day asked for (after its reports
 * marker), so that the next day runs alone. Read from the ledger, not asked of the workflows: a
 * query is a workflow task, and would count in the cost.
 */
async function settleReports(): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(100)) {
    const text = await readFile(ledgerFile, 'utf8');
    const after = text.slice(text.lastIndexOf('{"reports":'));
    if ((after.match(/"activity":"buildReport"/g) ?? []).length >= REPORTS_OF_A_DAY) return;
  }
  throw new Error('the reports of the day were not built within 120 s');
}

/** A window of CPU over the stack's processes. */
function cpuWindow(pids: { temporal: number; documentStore: number }): () => StackCpu {
  const worker = process.cpuUsage();
  const temporal = cpuMsOf(pids.temporal);
  const documentStore = cpuMsOf(pids.documentStore);
  return () => {
    const used = process.cpuUsage(worker);
    return {
      worker: (used.user + used.system) / 1000,
      temporal: cpuMsOf(pids.temporal) - temporal,
      documentStore: cpuMsOf(pids.documentStore) - documentStore,
    };
  };
}

async function runOneDay(
  client: Client,
  config: Config,
  pids: { temporal: number; documentStore: number },
  day: { dataset: string; date: string; warmUp: boolean },
): Promise<MeasuredDay> {
  const taskQueue = config.temporal.taskQueue;
  // The ledger's lines after a marker, up to the next, are the day's, then its reports'.
  await appendFile(ledgerFile, `${JSON.stringify({ day })}\n`);
  const dayCpu = cpuWindow(pids);
  const started = performance.now();
  const handle = await startDay(client, { date: day.date, datasets: [day.dataset], runKind: 'manual', taskQueue });
  await handle.result();
  const wallMs = performance.now() - started;
  const cpuMs = dayCpu();
  await appendFile(ledgerFile, `${JSON.stringify({ reports: day })}\n`);
  const reportsCpu = cpuWindow(pids);
  const reportsStarted = performance.now();
  if (!quick) await settleReports();
  const reports = { wallMs: performance.now() - reportsStarted, cpuMs: reportsCpu() };
  const counts = await historyCounts(client, [
    workflowIds.daily(day.date),
    workflowIds.datasetDay(day.dataset, day.date),
  ]);
  return { ...day, wallMs, cpuMs, ...counts, reports };
}

/**
 * The dataset's days before its demo's default day (those the days one at a time leave), up to
 * the smallest range a backfill sizes by its plan (`MIN_DAYS_PER_RANGE`), run as one range by a backfill with the ledger marked.
 */
async function runOneRange(
  client: Client,
  config: Config,
  pids: { temporal: number; documentStore: number },
  demoed: DemoModule,
  count: number,
): Promise<MeasuredRange | null> {
  const dates: string[] = [];
  for (
    let date = previousDate(demoed.demo.defaultDate);
    demoed.demo.covers(date) && dates.length < count;
    date = previousDate(date)
  )
    dates.unshift(date);
  const from = dates[0];
  const to = dates.at(-1);
  if (from === undefined || to === undefined) return null;
  const dataset = demoed.name;
  await appendFile(ledgerFile, `${JSON.stringify({ range: { dataset, date: from, warmUp: false } })}\n`);
  const cpu = cpuWindow(pids);
  const started = performance.now();
  const id = `cost-range-${from}`;
  const handle = await startBackfill(
    client,
    { from, to, mode: 'all', parallel: 1, datasets: [dataset], rangeDays: dates.length },
    id,
    config.temporal.taskQueue,
  );
  await handle.result();
  const wallMs = performance.now() - started;
  const cpuMs = cpu();
  const counts = await historyCounts(client, [workflowIds.backfill(id), workflowIds.range(dataset, from, to)]);
  return { dataset, from, to, days: dates.length, wallMs, cpuMs, ...counts };
}

/** Drops the dataset's file in its inbox and ingests it; returns the days it holds. */
async function ingestDrop(client: Client, config: Config, dataset: string, file: string): Promise<string[]> {
  const storage = await createStorage(config);
  try {
    const fileName = path.basename(file);
    const inboxKey = inboxKeys.file(dataset, await sha256OfFile(file), fileName);
    await storage.objects.putFile(inboxKey, file);
    const handle = await startIngest(
      client,
      { dataset, inboxKey, options: { ...DROPS[dataset]?.options, fileName } },
      config.temporal.taskQueue,
    );
    const output = await handle.result();
    return [...output.days];
  } finally {
    await storage.close();
  }
}

const args = argsOf(process.argv.slice(2));
const measuredDays = Number(required(args, 'days'));
/** A smoke run: no warm-up day, and the reports a day asks for are not waited for (nor measured). */
const quick = args.quick === 'true';
const daysRun = quick ? measuredDays : measuredDays + 1;
const pids = { temporal: Number(required(args, 'temporal-pid')), documentStore: Number(required(args, 'store-pid')) };
const base = loadConfig(process.env, DATASET_MODULES);
const ledgerFile = base.costLedgerFile ?? '';
if (!ledgerFile) throw new Error('run-days.ts needs COST_LEDGER_FILE');
const scratch = await mkdtemp(path.join(os.tmpdir(), 'courant-cost-'));
const only = args.datasets?.split(',');
const wanted = (name: string) => only === undefined || only.includes(name);
const demoed = withDemo(DATASET_MODULES).filter((m) => wanted(m.name));
const sources = z.record(z.string(), z.unknown()).parse(JSON.parse(await readFile(required(args, 'sources'), 'utf8')));
const config: Config = { ...base, datasets: { ...base.datasets, ...sources } };
const logger = createLogger('warn');
const report: {
  days: MeasuredDay[];
  ranges: MeasuredRange[];
  drops: Array<{ dataset: string; file: string; days: number }>;
} = { days: [], ranges: [], drops: [] };
try {
  const plan = demoed.map((m) => ({ dataset: m.name, dates: demoDates(m, daysRun) }));
  const storage = await createStorage(config);
  try {
    for (const { dataset, dates } of plan) {
      const module = demoed.find((m) => m.name === dataset);
      if (!module) continue;
      for (const date of dates)
        await seedDemoSnapshots(
          storage.objects,
          [{ module, config: config.datasets[dataset] }],
          date,
          config.schedules.snapshots.everyMinutes,
        );
    }
  } finally {
    await storage.close();
  }
  await runWorker(config, logger, {
    until: async () => {
      const { client, close } = await connectClient(config);
      try {
        for (const [dataset, drop] of Object.entries(DROPS).filter(([name]) => wanted(name))) {
          const file = await firstDaysOf(drop.file, daysRun, scratch);
          const days = await ingestDrop(client, config, dataset, file);
          report.drops.push({ dataset, file: path.basename(drop.file), days: days.length });
          plan.push({ dataset, dates: days.slice(0, daysRun) });
        }
        for (const { dataset, dates } of plan)
          for (const [index, date] of dates.entries())
            report.days.push(
              await runOneDay(client, config, pids, {
                dataset,
                date,
                warmUp: !quick && index === 0 && dates.length > 1,
              }),
            );
        const catalog = createCatalog(DATASET_MODULES, config.datasets);
        for (const module of demoed.filter((m) => catalog.capability('ranged-runs', m.name))) {
          const range = await runOneRange(client, config, pids, module, quick ? 4 : MIN_DAYS_PER_RANGE);
          if (range) report.ranges.push(range);
        }
      } finally {
        await close();
      }
    },
  });
} finally {
  await rm(scratch, { recursive: true, force: true });
}
printReport(report);
