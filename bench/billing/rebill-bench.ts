/**
 * A correction at a supplier's size: the large scenario's month (generate.ts, `--size large`,
 * 100 000 contracts; generated first when its tables are missing) as courant stores it, billed with
 * its last day refused by a check (every contract's energy then not computed), then billed again
 * once that day is accepted — a version where every contract moves, the worst case — then again
 * with nothing new, then what moved between the two versions.
 *
 * `courant billing --month` asks the month's workflow and waits: the steps run on one stack started
 * for the run (billing-stack.ts), one worker billing them all. Each billing step gives the
 * command's wall time (request to month written and printed), its CPU and peak RSS, and the
 * worker's peak RSS and CPU during the step, and how long the billing activity took (the workflow's
 * history); `--changes` runs in the command's process and is timed
 * as before (`/usr/bin/time -v`). The load average is printed with each step; the versions' sizes say
 * what a year of them costs in storage. Prints the figures; writes nothing to bench/RESULTS.md.
 *
 *   node --import tsx bench/billing/rebill-bench.ts [--dir .tools/bench-data/billing/large-2025-03-100000-1]
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
import { withBillingStack, type StackStep } from './billing-stack.js';
import { generate, scenarioDir, type GenerateOptions } from './generate.js';
import { writeStoredTables } from './stored-tables.js';

const MONTH = '2025-03';
const LAST_DAY = '2025-03-31';
const LARGE: GenerateOptions = { size: 'large', month: MONTH, seed: '1', xml: false };

const { values } = parseArgs({ options: { dir: { type: 'string', default: scenarioDir(LARGE) } } });
const tables = {
  c15Events: path.join(values.dir, 'tables', 'c15_events.parquet'),
  r151Readings: path.join(values.dir, 'tables', 'r151_readings.parquet'),
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
  if (values.dir !== scenarioDir(LARGE)) throw new Error(`no flow tables under ${values.dir}`);
  process.stdout.write(`generating the large scenario into ${values.dir}\n`);
  await generate(LARGE);
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

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
    ? `; billStoredMonth ${(measured.activitySeconds.billStoredMonth ?? 0).toFixed(2)} s; worker peak RSS ${mb(measured.worker.peakRssBytes)} MB (${mb(measured.worker.rssBeforeBytes)} MB before), worker CPU ${measured.worker.cpuS.toFixed(2)} s`
    : '';
  return (
    `${step}: wall ${measured.wallS.toFixed(2)} s, command CPU ${measured.cpuS.toFixed(2)} s, command peak RSS ${mb(measured.peakRssBytes)} MB` +
    `${worker}; load ${load()} — ${said}\n`
  );
}

const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-rebill-'));
try {
  const dataDir = path.join(work, 'data');
  const stored = await writeStoredTables(tables, dataDir);
  process.stdout.write(`stored tables written (${stored.dates.length} days); load ${load()}\n`);
  await withBillingStack(
    'courant-bench-rebill-',
    { dataDir, logFile: path.join(values.dir, 'rebill-worker.log') },
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
      };
      try {
        for (const date of stored.dates) await records.upsertDayRun(succeededRun('enedis', date));
        await lastDay('failed');
        process.stdout.write(`stack and worker up; load ${load()}\n`);
        const bill = ['billing', '--month', MONTH, '--format', 'json'];
        await courant('first billing, the last day refused', bill);
        await lastDay('succeeded');
        await courant('billed again once the day is accepted', bill);
        await courant('the same again, nothing new', bill);
        await courant('what moved, v1 to v2', ['billing', '--month', MONTH, '--changes', '--format', 'json']);
      } finally {
        await records.close();
      }
    },
  );
  const size = async (key: string) => (await stat(path.join(dataDir, key))).size / 2 ** 20;
  const [v1, v2] = [await size(billingKeys.monthVersion(MONTH, 1)), await size(billingKeys.month(MONTH))];
  process.stdout.write(
    `versions: v1 ${v1.toFixed(1)} MB, v2 ${v2.toFixed(1)} MB; a year of 12 months with 3 versions each: ${(((v1 + v2) / 2) * 36).toFixed(0)} MB\n`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
