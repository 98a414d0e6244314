/**
 * A month's billing at a supplier's size, on the stack that bills it: the large scenario's month
 * (generate.ts, `--size large`, 100 000 contracts or `--contracts N`; generated first when its
 * tables are missing) as courant stores it, billed with its last day refused by a check (every
 * contract's energy then not computed), then billed again once that day is accepted — a version
 * where every contract moves, the worst case — then again with nothing new, then what moved between
 * the two versions; then a perimeter page of 1 000 rows from the API (perimeter-pages.ts), the
 * month's pages in the API and the console (billing-pages.ts), and
 * late days of the billed month with what their request to billing costs a day (late-day.ts).
 *
 * `courant billing --month` asks the month's workflow and waits: the steps run on one stack started
 * for the run (billing-stack.ts), one worker billing them all, its cost ledger on (late-day.ts
 * reads it). Each billing step gives the command's wall time (request to month written and
 * printed), its CPU and peak RSS, and the worker's peak RSS and CPU during the step, and how long
 * the billing activity took (the workflow's history); `--changes` runs in the command's process and
 * is timed as before (`/usr/bin/time -v`). The load average is printed with each step; the
 * versions' sizes say what a year of them costs in storage. Ends with the figures against the
 * issue's goals. Prints them; writes nothing to bench/RESULTS.md.
 *
 *   node --import tsx bench/billing/rebill-bench.ts [--contracts 100000] [--dir .tools/bench-data/billing/large-2025-03-100000-1] [--late-days 4]
 */
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createRecordStore } from '../../src/storage/index.js';
import { billingKeys, workflowIds } from '../../src/workflow-safe/keys.js';
import { succeededRun } from '../../test/support/console-days.js';
import { median } from '../lib/stats.js';
import { withBillingStack, type StackStep } from './billing-stack.js';
import { generate, scenarioDir, type GenerateOptions } from './generate.js';
import { timeLateDay, type LateDay } from './late-day.js';
import { timeBillingPages, type BillingPages } from './billing-pages.js';
import { PAGE_ROWS, timePerimeterPages, type PerimeterPages } from './perimeter-pages.js';
import { writeStoredTables } from './stored-tables.js';

const MONTH = '2025-03';
const LAST_DAY = '2025-03-31';
/**
 * The late days, their R151 ingested one after the other once the month is billed: the first warms
 * the worker up (its first request to billing), the others are measured, their median the figure.
 */
/** The days whose perimeter is paged: the first once cold, each other written then asked again. */
const PERIMETER_DAYS = ['2025-03-31', '2025-03-30', '2025-03-29', '2025-03-28', '2025-03-27', '2025-03-26'] as const;
const LATE_DAYS = ['2025-03-12', '2025-03-13', '2025-03-14', '2025-03-15'] as const;

const { values } = parseArgs({
  options: {
    contracts: { type: 'string', default: '100000' },
    dir: { type: 'string' },
    'late-days': { type: 'string', default: String(LATE_DAYS.length) },
  },
});
const contracts = Number(values.contracts);
const lateDays = LATE_DAYS.slice(0, Number(values['late-days']));
if (!(lateDays.length === Number(values['late-days'])))
  throw new Error(`--late-days: at most ${LATE_DAYS.length}, got ${values['late-days']}`);
if (!Number.isInteger(contracts) || contracts < 1)
  throw new Error(`--contracts: a positive whole number, got ${values.contracts}`);
const LARGE: GenerateOptions = { size: 'large', month: MONTH, seed: '1', xml: false, contracts };
const scenario = values.dir ?? scenarioDir(LARGE);
const tables = {
  c15Events: path.join(scenario, 'tables', 'c15_events.parquet'),
  r151Readings: path.join(scenario, 'tables', 'r151_readings.parquet'),
};
const missing = await Promise.all(
  Object.values(tables).map((file) =>
    access(file).then(
      () => false,
      () => true,
    ),
  ),
);
if (missing.some(Boolean)) {
  if (scenario !== scenarioDir(LARGE)) throw new Error(`no flow tables under ${scenario}`);
  process.stdout.write(`generating the large scenario (${contracts} contracts) into ${scenario}\n`);
  await generate(LARGE);
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** The time of each activity type of the step (a month in shards: the shards' summed, however many). */
const activityText = (seconds: Readonly<Record<string, number>>) =>
  Object.entries(seconds)
    .map(([type, s]) => `${type} ${s.toFixed(2)} s`)
    .join(', ');

/** One step's line: the command's figures, the worker's when it billed, the load, what courant said of the month. */
function stepLine(step: string, measured: StackStep, billed: boolean): string {
  // What courant said, without `/usr/bin/time`'s report nor the lines of the wait.
  const said = measured.stderr
    .slice(0, measured.stderr.indexOf('\tCommand being timed'))
    .split('\n')
    .filter((l) => l.trim() !== '' && !/: asked |: billing for |request\(s\) waiting|no worker answers/.test(l))
    .map((l) => l.trim())
    .join(' | ');
  const worker = billed
    ? `; ${activityText(measured.activitySeconds)}; worker peak RSS ${mb(measured.worker.peakRssBytes)} MB (${mb(measured.worker.rssBeforeBytes)} MB before), worker CPU ${measured.worker.cpuS.toFixed(2)} s`
    : '';
  return (
    `${step}: wall ${measured.wallS.toFixed(2)} s, command CPU ${measured.cpuS.toFixed(2)} s, command peak RSS ${mb(measured.peakRssBytes)} MB` +
    `${worker}; load ${load()} — ${said}\n`
  );
}

function pagesLine(pages: PerimeterPages): string {
  return (
    `perimeter page, GET /api/v1/perimeter?date=D&limit=${PAGE_ROWS}, D the month's last 6 days: a new listing's first page ${pages.writtenMs.toFixed(0)} ms, ` +
    `its next two at once ${pages.nextMs.toFixed(0)} and ${pages.thirdMs.toFixed(0)} ms, asked again (a new listing of unchanged days) ${pages.reusedMs.toFixed(0)} ms (${pages.firstRows} rows; ${pages.coldMs.toFixed(0)} ms cold), ` +
    `page of that listing at ${pages.deepCursor} ${pages.deepWaitMs.toFixed(0)} ms at once (its file written meanwhile), ${pages.deepMs.toFixed(0)} ms again (${pages.deepRows} rows), medians of 5; load ${load()}\n`
  );
}

function billingPagesLine(pages: BillingPages): string {
  return (
    `billing pages of ${MONTH}: GET /api/v1/billing?month=M&limit=${PAGE_ROWS} ${pages.firstMs.toFixed(0)} ms (${pages.coldMs.toFixed(0)} ms cold), ` +
    `its page at ${pages.deepCursor} ${pages.deepMs.toFixed(0)} ms; the console's GET /billing/M ${pages.consoleMs.toFixed(0)} ms ` +
    `(${(pages.consoleBytes / 1024).toFixed(0)} KiB), medians of 5; load ${load()}\n`
  );
}

function lateDayLine(late: LateDay, warmUp: boolean): string {
  // The ledger's CPU is the process's: above the wall time, other threads worked meanwhile.
  const others = late.requestCpuMs > late.requestWallMs ? ', more CPU than wall: other work of the worker counted' : '';
  return (
    `late day ${late.date}${warmUp ? ', the warm-up' : ''} (an R151 ingested once the month is billed): requestLateBilling ${late.requestCpuMs.toFixed(2)} CPU-ms ` +
    `(${late.requestWallMs.toFixed(1)} ms wall${others}; ${threadText(late.requestThreadCpuMs)} on its thread) of the day's ${late.dayCpuMs.toFixed(0)} CPU-ms in activities; ` +
    `\`courant ingest --wait\` ${late.ingest.wallS.toFixed(2)} s; the re-bill it asked: billStoredMonth ${late.rebillS.toFixed(2)} s; load ${load()}\n`
  );
}

const threadText = (ms: number | null) => (ms === null ? 'not measured (Node < 23.9)' : `${ms.toFixed(2)} CPU-ms`);

/** The figures issue 68 sets goals for, each beside its goal. */
function summary(
  steps: { bill: StackStep; rebill: StackStep; changes: StackStep },
  pages: PerimeterPages,
  billingPages: BillingPages,
  lates: readonly LateDay[],
) {
  const rows = [
    [
      'bill the month (its last day refused)',
      `${steps.bill.wallS.toFixed(2)} s (billStoredMonth ${(steps.bill.activitySeconds.billStoredMonth ?? 0).toFixed(2)} s), worker peak RSS ${mb(steps.bill.worker.peakRssBytes)} MB`,
      '≤ 10 s, ≤ 600 MB',
    ],
    [
      're-bill (the day accepted)',
      `${steps.rebill.wallS.toFixed(2)} s (billStoredMonth ${(steps.rebill.activitySeconds.billStoredMonth ?? 0).toFixed(2)} s), worker peak RSS ${mb(steps.rebill.worker.peakRssBytes)} MB`,
      '≤ 10 s',
    ],
    ['billing --changes', `${steps.changes.wallS.toFixed(2)} s`, '≤ 2 s'],
    [
      `perimeter page of ${PAGE_ROWS} rows`,
      `${pages.writtenMs.toFixed(0)} ms a new listing's first page, ${pages.nextMs.toFixed(0)} and ${pages.thirdMs.toFixed(0)} ms its next two, ${pages.reusedMs.toFixed(0)} ms a listing of unchanged days, ${pages.deepMs.toFixed(0)} ms a page of a listing written (${pages.deepWaitMs.toFixed(0)} ms asked before)`,
      '≤ 200 ms',
    ],
    [
      `billing page of ${PAGE_ROWS} rows, the console's month page`,
      `${billingPages.firstMs.toFixed(0)} ms a first page, ${billingPages.deepMs.toFixed(0)} ms one from the middle; the month page ${billingPages.consoleMs.toFixed(0)} ms`,
      '≤ 200 ms, ≤ 1 s (issue 71)',
    ],
    lates.length === 0
      ? ["a late day's request to billing", 'not measured (--late-days below 2)', '≤ 1 CPU-ms']
      : [
          "a late day's request to billing",
          `${median(lates.map((l) => l.requestCpuMs)).toFixed(2)} CPU-ms, median of ${lates.length} late days after a warm-up (${lates.map((l) => l.requestCpuMs.toFixed(1)).join(', ')}); ` +
            `on its thread ${threadText(lates.every((l) => l.requestThreadCpuMs !== null) ? median(lates.map((l) => l.requestThreadCpuMs ?? 0)) : null)} (${lates.map((l) => l.requestThreadCpuMs?.toFixed(1) ?? '–').join(', ')})`,
          '≤ 1 CPU-ms',
        ],
  ];
  const width = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  return [
    `at ${contracts} contracts, load ${load()} (goals: issue 68, "Performance"):`,
    ...rows.map(([what = '', measured = '', goal = '']) => `  ${what.padEnd(width)}  ${measured}; goal ${goal}`),
  ].join('\n');
}

const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-rebill-'));
try {
  const dataDir = path.join(work, 'data');
  const stored = await writeStoredTables(tables, dataDir);
  process.stdout.write(`stored tables written (${stored.dates.length} days); load ${load()}\n`);
  const figures = await withBillingStack(
    'courant-bench-rebill-',
    { dataDir, logFile: path.join(scenario, 'rebill-worker.log'), costLedger: true },
    async (stack) => {
      const records = await createRecordStore(loadConfig(stack.env, DATASET_MODULES));
      const lastDay = (status: 'failed' | 'succeeded') =>
        records.upsertDayRun({
          ...succeededRun('enedis', LAST_DAY),
          status,
          ...(status === 'failed'
            ? { error: { type: 'DataQuality', message: 'index_decreasing blocked the day' } }
            : {}),
        });
      const courant = async (step: string, args: readonly string[]) => {
        const billed = !args.includes('--changes');
        const measured = await stack.time(args, '/dev/null', billed ? workflowIds.billing(MONTH) : undefined);
        process.stdout.write(stepLine(step, measured, billed));
        return measured;
      };
      let steps: { bill: StackStep; rebill: StackStep; changes: StackStep };
      try {
        for (const date of stored.dates) await records.upsertDayRun(succeededRun('enedis', date));
        await lastDay('failed');
        process.stdout.write(`stack and worker up; load ${load()}\n`);
        const bill = ['billing', '--month', MONTH, '--format', 'json'];
        const first = await courant('first billing, the last day refused', bill);
        await lastDay('succeeded');
        const rebill = await courant('billed again once the day is accepted', bill);
        await courant('the same again, nothing new', bill);
        const changes = await courant('what moved, v1 to v2', [
          'billing',
          '--month',
          MONTH,
          '--changes',
          '--format',
          'json',
        ]);
        steps = { bill: first, rebill, changes };
      } finally {
        await records.close();
      }
      const size = async (key: string) => (await stat(path.join(dataDir, key))).size / 2 ** 20;
      const [v1, v2] = [await size(billingKeys.monthVersion(MONTH, 1)), await size(billingKeys.monthVersion(MONTH, 2))];
      process.stdout.write(
        `versions: v1 ${v1.toFixed(1)} MB, v2 ${v2.toFixed(1)} MB; a year of 12 months with 3 versions each: ${(((v1 + v2) / 2) * 36).toFixed(0)} MB\n`,
      );
      const pages = await timePerimeterPages(stack.env, PERIMETER_DAYS, contracts);
      process.stdout.write(pagesLine(pages));
      const billingPages = await timeBillingPages(stack.env, MONTH, contracts);
      process.stdout.write(billingPagesLine(billingPages));
      // Last: a late day's flow replaces that day's stored tables, and the re-bill it asks moves the month.
      const lates: LateDay[] = [];
      for (const [index, date] of lateDays.entries()) {
        const late = await timeLateDay(stack, MONTH, date, work);
        process.stdout.write(lateDayLine(late, index === 0));
        if (index > 0) lates.push(late);
      }
      return { steps, pages, billingPages, lates };
    },
  );
  process.stdout.write(`${summary(figures.steps, figures.pages, figures.billingPages, figures.lates)}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
