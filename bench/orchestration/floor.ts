/**
 * The orchestration floor: courant's workflows on the dev server with activities that only answer
 * (floor-activities.ts) — what a day costs in Temporal and in the worker's share of it when the
 * work itself costs nothing. Days one at a time through `daily/{date}`, then backfills of many days
 * (the `backfill` workflow) per day at parallel 4 and 16, and in ranges of 8 to 64 days (43 and
 * 365 days, ranges at parallel 4); the workflows as built, and with the variants' interceptors
 * (floor-variants/) for designs measured without building them. The floor of a day is this plus
 * the same activities in a plain loop (the orchestration section).
 * Alone: node --import tsx bench/orchestration/floor.ts [--smoke] [--as-built] [--out FILE]
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackfill } from '../../src/client/start-backfill.js';
import { startDay } from '../../src/client/start-day.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';
import { BUNDLE_FILES } from '../../src/workers/prebuilt-bundle.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { BENCH_DIR, installChildCleanup, trackChild, tsNode } from '../lib/child.js';
import { int, num, seconds as secondsText, sectionBenchOptions, table, writeSection } from '../lib/markdown.js';
import { cpuSeconds, peakRssBytes } from '../lib/proc.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { startBenchServers, type BenchServers } from '../lib/servers.js';
import { FLOOR_WORKER_RUNNING } from './floor-activities.js';

export const FLOOR_HEADING = '## The orchestration floor';

interface FloorWorker {
  readonly pid: number;
  stop(): Promise<void>;
}

async function startFloorWorker(
  servers: BenchServers,
  bundle: string,
  taskQueue: string,
  logFile: string,
): Promise<FloorWorker> {
  installChildCleanup();
  const log = createWriteStream(logFile, { flags: 'a' });
  const [command, args] = tsNode(path.join(BENCH_DIR, 'orchestration', 'floor-worker.ts'), [
    '--address',
    servers.temporalAddress,
    '--task-queue',
    taskQueue,
    '--bundle',
    bundle,
  ]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr.pipe(log);
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (chunk.toString().includes(FLOOR_WORKER_RUNNING)) resolve();
    });
    void exited.then(() => reject(new Error(`the floor worker exited before running; see ${logFile}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the floor worker has no pid');
  return {
    pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU milliseconds per day of the worker and the dev server over `run`. */
async function measured(worker: FloorWorker, servers: BenchServers, days: number, run: () => Promise<void>) {
  const cpu = () => ({ worker: cpuSeconds(worker.pid) ?? 0, temporal: cpuSeconds(servers.pids.temporal) ?? 0 });
  const before = cpu();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const after = cpu();
  return {
    seconds,
    workerMs: ((after.worker - before.worker) * 1000) / days,
    temporalMs: ((after.temporal - before.temporal) * 1000) / days,
  };
}

/** How courant's workflows are bundled for a run of the floor: as built, or with a variant's interceptors. */
interface Variant {
  readonly name: string;
  readonly modules: readonly string[];
}

const VARIANTS_DIR = path.join(BENCH_DIR, 'orchestration', 'floor-variants');
const STAGES_LOCAL = path.join(VARIANTS_DIR, 'stages-local.ts');
const NO_UPSERTS = path.join(VARIANTS_DIR, 'no-upserts.ts');
const VARIANTS: readonly Variant[] = [
  { name: 'as built', modules: [] },
  { name: 'transform, metrics and quality as local activities', modules: [STAGES_LOCAL] },
  { name: 'no search-attribute upserts', modules: [NO_UPSERTS] },
  { name: 'both', modules: [STAGES_LOCAL, NO_UPSERTS] },
];

export interface FloorRun {
  readonly variant: string;
  readonly oneAtATime: { readonly days: number; readonly workerMs: number; readonly temporalMs: number };
  readonly backfills: ReadonlyArray<{
    /** Days in a ranged run; null: per day (`perDay`). */
    readonly rangeDays: number | null;
    readonly parallel: number;
    readonly days: number;
    readonly seconds: number;
    readonly workerMs: number;
    readonly temporalMs: number;
  }>;
  readonly workerPeakRssBytes: number;
}

/** Days in a ranged run, for the rows of ranged backfills: the defaults' span (`defaultRangeDays`: 16 to 64) and 8. */
const RANGE_SIZES = [8, 16, 32, 64] as const;

/** The `count` days from the first of January of `year`. */
function daysOf(year: number, count: number): string[] {
  return datesInRange(`${year}-01-01`, `${year}-12-31`).slice(0, count);
}

/** The workflows as built run the benches' plain bundle; a variant's are bundled with its interceptors. */
async function variantBundle(work: string, variant: Variant, index: number): Promise<string> {
  if (variant.modules.length === 0) return path.join(await benchWorkflowBundles(), BUNDLE_FILES.plain);
  const bundle = path.join(work, `bundle-${index}.js`);
  await writeFile(bundle, (await bundleWorkflows(undefined, { interceptorModules: variant.modules })).code);
  return bundle;
}

async function runVariant(
  servers: BenchServers,
  work: string,
  variant: Variant,
  index: number,
  options: { smoke: boolean; log: (line: string) => void },
): Promise<FloorRun> {
  const bundle = await variantBundle(work, variant, index);
  const taskQueue = `bench-floor-${index}`;
  const worker = await startFloorWorker(servers, bundle, taskQueue, path.join(work, `worker-${index}.log`));
  try {
    const year = 2030;
    const days = daysOf(year, options.smoke ? 2 : 31);
    const runOne = async (date: string) =>
      (await startDay(servers.client, { date, runKind: 'manual', taskQueue })).result();
    await runOne(days[0] ?? '');
    const sequential = await measured(worker, servers, days.length - 1, async () => {
      for (const date of days.slice(1)) await runOne(date);
    });
    const backfills: FloorRun['backfills'][number][] = [];
    const perDay = options.smoke
      ? [{ rangeDays: null, parallel: 4, days: 4 }]
      : [
          { rangeDays: null, parallel: 4, days: 43 },
          { rangeDays: null, parallel: 16, days: 365 },
        ];
    // Ranged backfills, for the workflows as built: K days a range, ranges at parallel 4 (the default).
    const ranged = index !== 0 ? [] : options.smoke ? [4] : RANGE_SIZES;
    const sizes = [
      ...perDay,
      ...ranged.flatMap((k) => (options.smoke ? [8] : [43, 365]).map((days) => ({ rangeDays: k, parallel: 4, days }))),
    ];
    for (const [offset, size] of sizes.entries()) {
      const dates = daysOf(year + 1 + offset, size.days);
      const run = await measured(worker, servers, dates.length, async () => {
        const input = {
          from: dates[0] ?? '',
          to: dates.at(-1) ?? '',
          mode: 'all',
          parallel: size.parallel,
          ...(size.rangeDays === null ? { perDay: true } : { rangeDays: size.rangeDays }),
        } as const;
        await (await startBackfill(servers.client, input, `floor-${index}-${offset}`, taskQueue)).result();
      });
      options.log(
        `  ${variant.name}: ${dates.length} days at parallel ${size.parallel}, ${size.rangeDays === null ? 'per day' : `in ranges of ${size.rangeDays}`}, in ${run.seconds.toFixed(2)} s`,
      );
      backfills.push({ ...size, days: dates.length, ...run });
    }
    return {
      variant: variant.name,
      oneAtATime: { days: days.length - 1, workerMs: sequential.workerMs, temporalMs: sequential.temporalMs },
      backfills,
      workerPeakRssBytes: peakRssBytes(worker.pid) ?? 0,
    };
  } finally {
    await worker.stop();
  }
}

/** Every variant one after the other, each on a dev server and with a worker of its own. */
export async function benchFloor(options: {
  smoke: boolean;
  /** Only the workflows as built (the per-day and ranged rows), none of the designs. */
  asBuilt?: boolean;
  log: (line: string) => void;
}): Promise<FloorRun[]> {
  const runs: FloorRun[] = [];
  for (const [index, variant] of (options.asBuilt ? VARIANTS.slice(0, 1) : VARIANTS).entries()) {
    const work = await mkdtemp(path.join(os.tmpdir(), 'courant-floor-'));
    try {
      const servers = await startBenchServers(work, work);
      try {
        runs.push(await runVariant(servers, work, variant, index, options));
      } finally {
        await servers.stop();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return runs;
}

/** Ten years of days at 12 a day a second (five minutes) leave two cores this many CPU-ms a day. */
const TEN_YEARS_BUDGET_MS = (2 * 300 * 1000) / 3650;

/** What the variant's widest backfill says of ten years of days: their time with no work, and what is left for it. */
function tenYearsLine(run: FloorRun): string {
  const widest = run.backfills.filter((b) => b.rangeDays === null).at(-1);
  if (!widest) return '';
  const floorMs = widest.workerMs + widest.temporalMs;
  return `\n- ${run.variant}: ten years of days with no work at all would take ${secondsText(
    (widest.seconds * 3650) / widest.days,
  )} at parallel ${widest.parallel}; in five minutes two cores allow ${num(TEN_YEARS_BUDGET_MS)} CPU-ms a day, of which orchestration takes ${num(
    floorMs,
  )}, leaving ${num(TEN_YEARS_BUDGET_MS - floorMs)} for the work and the document store.`;
}

/** The goal of a ranged backfill's orchestration: worker and dev server together, per day. */
const RANGED_GOAL_MS = 10;

/** Which range sizes meet the goal of a ranged day's orchestration, at both sizes of backfill. */
function rangedLine(run: FloorRun | undefined): string {
  const ranged = run?.backfills.filter((b) => b.rangeDays !== null) ?? [];
  if (ranged.length === 0) return '';
  const meeting = RANGE_SIZES.filter((k) => {
    const rows = ranged.filter((b) => b.rangeDays === k);
    return rows.length > 0 && rows.every((b) => b.workerMs + b.temporalMs <= RANGED_GOAL_MS);
  });
  return `\n- ranged backfills (worker and dev server ≤ ${RANGED_GOAL_MS} CPU-ms a day): ${
    meeting.length > 0 ? `met with ranges of ${meeting.join(', ')}` : 'met with no range size measured'
  }.`;
}

export function floorMarkdown(runs: readonly FloorRun[]): string {
  const rows = runs.flatMap((run) => [
    [
      run.variant,
      `${run.oneAtATime.days} days one at a time`,
      '—',
      num(run.oneAtATime.workerMs),
      num(run.oneAtATime.temporalMs),
      num(run.oneAtATime.workerMs + run.oneAtATime.temporalMs),
    ],
    ...run.backfills.map((b) => [
      run.variant,
      `${int(b.days)} days at parallel ${b.parallel} (backfill workflow${b.rangeDays === null ? '' : `, ranges of ${b.rangeDays}`})`,
      secondsText(b.seconds),
      num(b.workerMs),
      num(b.temporalMs),
      num(b.workerMs + b.temporalMs),
    ]),
  ]);
  const peak = Math.max(...runs.map((run) => run.workerPeakRssBytes));
  return `${FLOOR_HEADING}

Written by \`node --import tsx bench/orchestration/floor.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. courant’s workflows on a dev server of their own (the bundle built at the start, a worker on the task queue and one on its backfill queue, the SDK’s defaults), every activity answering, 5 ms later on a timer, what it answered for a real eCO2mix day (the replay histories' results): what a day's orchestration costs with the work left out — its workflow tasks, activity tasks, child workflow, search attributes and history. Beside the workflows as built, three designs this measures without building them (workflow interceptors bundled in, \`bench/orchestration/floor-variants/\`): the transform, metrics and quality steps as local activities, no search-attribute upsert, and both. Per-day backfills run with \`perDay\`; the ranged ones (the workflows as built only) run eCO2mix's days K at a time as \`range/eco2mix/…\` at parallel 4 (\`courant backfill\`'s default), each range stage answering for each of its days what that day's own activity answered. With \`--as-built\`, the designs are left out. Floor workers' peak RSS ${int(peak / 2 ** 20)} MB. The wall time of days one at a time is left out: with answers this quick the next workflow task often waits ~40 ms to be dispatched, which real days do not.

${table(['workflows', 'days', 'wall', 'worker CPU ms a day', 'Temporal CPU ms a day', 'both'], rows)}
${runs.map(tenYearsLine).join('')}${rangedLine(runs[0])}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { smoke, out, flags } = sectionBenchOptions(1, ['as-built']);
  await mkdir(path.dirname(out), { recursive: true });
  const runs = await benchFloor({
    smoke,
    asBuilt: flags.has('as-built'),
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  });
  const markdown = floorMarkdown(runs);
  await writeSection(out, FLOOR_HEADING, markdown);
  process.stdout.write(markdown);
}
