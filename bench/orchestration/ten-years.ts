/**
 * Ten years of eCO2mix days (3 650, 2012–2021, the loopback source) through the `backfill`
 * workflow at `courant backfill`'s defaults (parallel 4, ranges sized by the plan), after one day
 * end to end as a warm-up: its wall time, the CPU-ms a day of the worker, the dev server and the
 * document store, and the worker's peak RSS; then how long its months', years' and index's reports,
 * asked for once its days are done, take to be built after it (the peak includes them). The goal:
 * ≤ 90 s, worker peak ≤ 800 MB.
 * Usage: node --import tsx bench/orchestration/ten-years.ts [--per-day] [--parallel N] [--days-per-run K] [--profile DIR] [--worker-flags="FLAGS"]
 * (--per-day: every day as daily/{date}; --days-per-run: ranges of K days; --profile: the backfill's
 * worker under --cpu-prof; --worker-flags: Node's flags for the worker, space-separated, e.g. V8's heap sizes).
 * WORKER_HEAP_GROWTH_PERCENT in its environment goes to the worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DAYS_PER_RUN } from '../../src/workflows/backfill.js';
import { defaultRangeDays } from '../../src/workflow-safe/ranges.js';
import { int, num, seconds } from '../lib/markdown.js';
import { runOrchestration } from './orchestration.js';

/** `courant backfill`'s default parallelism. */
const DEFAULT_PARALLEL = 4;
const GOAL_SECONDS = 90;
const GOAL_PEAK_MB = 800;

const { values } = parseArgs({
  options: {
    'per-day': { type: 'boolean', default: false },
    parallel: { type: 'string' },
    'days-per-run': { type: 'string' },
    profile: { type: 'string' },
    'worker-flags': { type: 'string' },
  },
});
const workerFlags = values['worker-flags']?.split(' ').filter((flag) => flag !== '') ?? [];
const parallel = Number(values.parallel ?? DEFAULT_PARALLEL);
if (!Number.isInteger(parallel) || parallel < 1) throw new Error('--parallel: a whole number ≥ 1');
const rangeDays = values['days-per-run'] === undefined ? undefined : Number(values['days-per-run']);
if (rangeDays !== undefined && (!Number.isInteger(rangeDays) || rangeDays < 1))
  throw new Error('--days-per-run: a whole number ≥ 1');
const work = await mkdtemp(path.join(os.tmpdir(), 'courant-ten-years-'));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
try {
  const results = await runOrchestration({
    workDir: path.join(work, 'orchestration'),
    logDir: work,
    dayRuns: 1,
    backfillFrom: '2022-01-01',
    backfillTo: '2022-01-01',
    parallelism: [],
    tenYearsParallel: parallel,
    backfillDriver: 'workflow',
    perDay: values['per-day'],
    ...(rangeDays ? { rangeDays } : {}),
    ...(values.profile ? { backfillProfileDir: path.resolve(values.profile) } : {}),
    backfillNodeFlags: workerFlags,
    log,
  });
  const run = results.tenYears;
  if (!run) throw new Error('the ten years did not run');
  const perDay = (cpuSeconds: number) => num((cpuSeconds * 1000) / run.days);
  const peakMb = run.workerPeakRssBytes / 2 ** 20;
  const met = run.seconds <= GOAL_SECONDS && peakMb <= GOAL_PEAK_MB && run.succeeded === run.days;
  process.stdout.write(
    `${int(run.days)} days at parallel ${parallel}, ${values['per-day'] ? 'per day' : rangeDays ? `in ranges of ${rangeDays}` : `in ranges sized by the plan (${defaultRangeDays(Math.min(run.days, DAYS_PER_RUN), parallel)} days)`}` +
      `${workerFlags.length > 0 ? `, worker under ${workerFlags.join(' ')}` : ''}: ` +
      `${seconds(run.seconds)} (${num(run.days / run.seconds)} days/s), ${int(run.succeeded)} succeeded; ` +
      `CPU ms a day worker ${perDay(run.cpuSeconds.worker)} / Temporal ${perDay(run.cpuSeconds.temporal)} / ` +
      `document store ${perDay(run.cpuSeconds.documentStore)}; ` +
      (run.reports
        ? `its months', years' and index's reports built ${seconds(run.reports.seconds)} later (CPU s worker ` +
          `${num(run.reports.cpuSeconds.worker)} / Temporal ${num(run.reports.cpuSeconds.temporal)} / document store ` +
          `${num(run.reports.cpuSeconds.documentStore)}); `
        : '') +
      `worker peak ${int(peakMb)} MB, reports included; ` +
      `goal ≤ ${GOAL_SECONDS} s and ≤ ${GOAL_PEAK_MB} MB: ${met ? 'met' : 'not met'}\n`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
