/**
 * `courant backfill --from … --to … --parallel 4 --wait` against `courant dev`, the whole command
 * as an operator types it: `courant dev` (its embedded Temporal dev server and document store, its
 * worker) started first, then the backfill timed from its start to its exit. The days: the
 * orchestration bench's 43 loopback days of 2022 (bench/inputs/eco2mix.ts), or with `--real` the 31
 * real days of December 2021 the demo replays. Reports the wall time, and the CPU-ms a day of
 * `courant dev`'s processes and of the backfill command together, with the worker's peak RSS.
 * Goal: 43 days ≤ 2.5 s and ≤ 120 CPU-ms a day.
 * With `--flaky-day D:S` (loopback days) the source answers 503 for day D during its first S seconds,
 * and the bench says, from the day records, when the other days and D were done and which of them
 * took more than one attempt (issue 70: one day's outage never holds its range).
 * Usage: node --import tsx bench/orchestration/dev-backfill.ts [--real] [--per-day] [--days-per-run K] [--profile DIR] [--timeline] [--flaky-day D:S]
 * (--profile: `courant dev` under --cpu-prof, its profile written in DIR when it stops, the backfill
 * command's in DIR/backfill; --timeline: the events of the backfill and its ranges on stderr, in
 * milliseconds after the backfill's first). WORKER_HEAP_GROWTH_PERCENT in its environment goes to
 * `courant dev`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startOdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { freePort } from '../../src/stack/ports.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { installChildCleanup, trackChild } from '../lib/child.js';
import { int, num, seconds } from '../lib/markdown.js';
import { endedChildrenCpuSeconds, peakRssBytes, treeCpuSeconds, treeCpuSecondsByCommand } from '../lib/proc.js';
import { workerSettingsFromEnv } from '../lib/servers.js';
import { startExportServer } from './export-server.js';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createRecordStore } from '../../src/storage/index.js';
import { dayTimeline } from './history.js';

const LOOPBACK = { from: '2022-01-01', to: '2022-02-12' } as const;
const REAL = { from: '2021-12-01', to: '2021-12-31' } as const;
const GOAL_SECONDS = 2.5;
const GOAL_CPU_MS = 120;
/** `courant dev` says this once its worker runs. */
const WORKER_RUNNING = 'worker is running';

const { values } = parseArgs({
  options: {
    real: { type: 'boolean', default: false },
    'per-day': { type: 'boolean', default: false },
    'days-per-run': { type: 'string' },
    profile: { type: 'string' },
    timeline: { type: 'boolean', default: false },
    'flaky-day': { type: 'string' },
  },
});
const { from, to } = values.real ? REAL : LOOPBACK;
const flaky = flakyDay(values['flaky-day']);
const days = datesInRange(from, to).length;
const courant = path.join(PROJECT_ROOT, 'bin', 'courant.js');
const work = await mkdtemp(path.join(os.tmpdir(), 'courant-dev-backfill-'));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
installChildCleanup();
const source = values.real
  ? await startOdreServer(await loadDemoExports())
  : await startExportServer(datesInRange(from, to), flaky ?? undefined);
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  LOG_LEVEL: 'info',
  TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
  MONGODB_URL: `mongodb://127.0.0.1:${await freePort()}/courant`,
  DATA_DIR: path.join(work, 'data'),
  ECO2MIX_BASE_URL: source.baseUrl,
  ...workerSettingsFromEnv(),
};
const devLog = createWriteStream(path.join(work, 'dev.log'));
const dev = spawn(
  process.execPath,
  [
    ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : []),
    courant,
    'dev',
    '--state-dir',
    path.join(work, 'state'),
  ],
  { env, stdio: ['ignore', 'pipe', 'pipe'] },
);
trackChild(dev);
const devExited = once(dev, 'exit');
try {
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const watch = (chunk: Buffer) => {
      devLog.write(chunk);
      seen += chunk.toString();
      if (seen.includes(WORKER_RUNNING)) resolve();
    };
    dev.stdout.on('data', watch);
    dev.stderr.on('data', watch);
    void devExited.then(() => reject(new Error(`courant dev exited before its worker ran; see ${work}/dev.log`)));
  });
  const devPid = dev.pid ?? 0;
  log(`courant dev runs; backfilling ${from}..${to} (${days} days)`);
  const before = {
    dev: treeCpuSeconds(devPid),
    byCommand: treeCpuSecondsByCommand(devPid),
    command: endedChildrenCpuSeconds(),
  };
  const started = performance.now();
  const commandEvents = [{ at: Date.now(), workflowId: 'the command', event: 'spawned' }];
  const backfill = spawn(
    process.execPath,
    [
      ...(values.profile
        ? ['--cpu-prof', `--cpu-prof-dir=${path.join(path.resolve(values.profile), 'backfill')}`]
        : []),
      courant,
      'backfill',
      '--from',
      from,
      '--to',
      to,
      '--mode',
      'all',
      '--parallel',
      '4',
      '--wait',
      ...(values['per-day'] ? ['--per-day'] : []),
      ...(values['days-per-run'] ? ['--days-per-run', values['days-per-run']] : []),
    ],
    { env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  /** When the command said its backfill started: its own start (loading, connecting) before that. */
  let startedAfter: number | undefined;
  backfill.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (startedAfter === undefined && out.includes(' started: ')) {
      startedAfter = (performance.now() - started) / 1000;
      commandEvents.push({ at: Date.now(), workflowId: 'the command', event: 'said it started' });
    }
  });
  const [code] = (await once(backfill, 'exit')) as [number | null];
  commandEvents.push({ at: Date.now(), workflowId: 'the command', event: 'exited' });
  const wall = (performance.now() - started) / 1000;
  const cpu = {
    dev: treeCpuSeconds(devPid) - before.dev,
    command: endedChildrenCpuSeconds() - before.command,
  };
  if (code !== 0) throw new Error(`courant backfill exited ${String(code)}:\n${out}`);
  if (values.timeline) await printTimeline(env.TEMPORAL_ADDRESS, out, commandEvents);
  if (flaky)
    await printFlakyDay(
      env,
      flaky.date,
      commandEvents[0]?.at ?? Date.now(),
      'refused' in source ? source.refused() : 0,
    );
  const perDay = (s: number) => (s * 1000) / days;
  const byCommand = [...treeCpuSecondsByCommand(devPid)]
    .map(([name, s]) => [name, perDay(s - (before.byCommand.get(name) ?? 0))] as const)
    .filter(([, ms]) => ms >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${num(ms)}`)
    .join(', ');
  const total = perDay(cpu.dev + cpu.command);
  const peak = (peakRssBytes(devPid) ?? 0) / 2 ** 20;
  process.stdout.write(
    `${days} days (${values.real ? 'real, December 2021' : 'loopback, 2022'}) at parallel 4, ` +
      `${values['per-day'] ? 'per day' : `ranges of ${values['days-per-run'] ?? 'the default'}`}: ` +
      `${seconds(wall)} for the whole command (the backfill started after ${seconds(startedAfter ?? wall)}); CPU ms a day: courant dev's processes ${num(perDay(cpu.dev))} (${byCommand}), ` +
      `the backfill command ${num(perDay(cpu.command))}, together ${num(total)}; courant dev's peak RSS ${int(peak)} MB; ` +
      `goal ≤ ${GOAL_SECONDS} s and ≤ ${GOAL_CPU_MS} CPU-ms a day: ` +
      `${wall <= GOAL_SECONDS && total <= GOAL_CPU_MS ? 'met' : 'not met'}\n`,
  );
} finally {
  dev.kill('SIGINT');
  await devExited;
  await source.close();
  await rm(work, { recursive: true, force: true });
}

/** `--flaky-day D:S`: the day and how long the source refuses it; null without the option. */
function flakyDay(option: string | undefined): { date: string; forMs: number } | null {
  if (option === undefined) return null;
  const [date = '', secondsText = ''] = option.split(':');
  const forS = Number(secondsText);
  if (values.real || !datesInRange(from, to).includes(date) || !Number.isFinite(forS) || forS <= 0)
    throw new Error(`--flaky-day: a loopback day of ${from}..${to} and seconds, as 2022-01-20:150; got ${option}`);
  return { date, forMs: forS * 1000 };
}

/** When the days were done (their records' finishedAt, after `startedAt`), the flaky day apart, and their attempts. */
async function printFlakyDay(
  env: Readonly<Record<string, string>>,
  date: string,
  startedAt: number,
  refused: number,
): Promise<void> {
  const records = await createRecordStore(loadConfig(env, DATASET_MODULES));
  try {
    const runs = await records.listDayRuns({ from, to });
    const doneAfter = (finishedAt: string | null) =>
      finishedAt === null ? Number.NaN : (Date.parse(finishedAt) - startedAt) / 1000;
    const others = runs.filter((r) => r.date !== date);
    const day = runs.find((r) => r.date === date);
    const lastOther = Math.max(...others.map((r) => doneAfter(r.finishedAt)));
    const retried = others.filter((r) => r.attempt > 1 || r.status !== 'succeeded').map((r) => r.date);
    process.stdout.write(
      `the ${others.length} other days: all ${others.every((r) => r.status === 'succeeded') ? 'succeeded' : 'NOT succeeded'}, the last done ${seconds(lastOther)} after the command started; ` +
        `more than one attempt or not succeeded: ${retried.length === 0 ? 'none' : retried.join(', ')}; ` +
        `${date}: ${day?.status ?? 'no record'}, attempt ${String(day?.attempt ?? '–')} of ${day?.workflowId ?? '–'}, done ${seconds(doneAfter(day?.finishedAt ?? null))} after; ${refused} requests refused\n`,
    );
  } finally {
    await records.close();
  }
}

/** The events of the backfill the command started (named in its output), of its ranges and of the command itself, on stderr. */
async function printTimeline(
  address: string,
  output: string,
  commandEvents: Parameters<typeof dayTimeline>[2],
): Promise<void> {
  const backfillId = /^(backfill\/\S+) started: /m.exec(output)?.[1];
  if (!backfillId) throw new Error(`no backfill named in the command's output:\n${output}`);
  const { Client, Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const history = await client.workflow.getHandle(backfillId).fetchHistory();
    const children = (history.events ?? []).flatMap((event) => {
      const id = event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      return id ? [id] : [];
    });
    for (const event of await dayTimeline(client, [backfillId, ...children], commandEvents))
      process.stderr.write(`${String(Math.round(event.ms)).padStart(6)} ms  ${event.workflowId}  ${event.event}\n`);
  } finally {
    await connection.close();
  }
}
