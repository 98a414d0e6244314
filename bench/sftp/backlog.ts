/**
 * A supplier's first day: an SFTP server holding a backlog of Enedis deliveries — encrypted R151
 * zips of 1 to 2 000 PRMs (log-uniform: most small, a few large) and C15 files, spread over 60 days —
 * taken by one pickup; then a thousand files of one day given with `courant ingest --dir --wait`.
 * A real sshd (internal-sftp), the Temporal dev server, the document store and one `courant worker`
 * process. Measured: the wall time until every file is ingested, the runs of each day, the worker's
 * peak memory and CPU. Checked: every delivery fetched once and ingested once, every day run,
 * nothing left in the inbox. Writes the "SFTP backlog" section of RESULTS.md.
 *
 *   node --import tsx bench/sftp/backlog.ts [--deliveries N] [--days N] [--max-prms N] [--dir-files N] [--out FILE]
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { IngestFilesOutput } from '../../src/workflow-safe/ingest.js';
import { nextDate } from '../../src/workflow-safe/partition.js';
import { encrypted, zipOf } from '../../test/support/enedis-deliveries.js';
import { c15Event, r151Flow } from '../../test/support/enedis-flows.js';
import { runCli } from '../../test/support/run-cli.js';
import { BENCH_DIR } from '../lib/child.js';
import { int, mb, seconds, table, writeSection } from '../lib/markdown.js';
import { cpuSeconds, peakRssBytes } from '../lib/proc.js';
import { seededRandom } from '../lib/random.js';
import { startSftpBenchStack } from '../lib/sftp-stack.js';

const SECTION = '## SFTP backlog';
/** The issue's goal for ten thousand deliveries, in seconds. */
const GOAL_S = 600;
const FIRST_DAY = '2024-01-01';
const DIR_DAY = '2024-06-12';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string' },
    days: { type: 'string' },
    'max-prms': { type: 'string' },
    'dir-files': { type: 'string' },
    out: { type: 'string' },
  },
});
const deliveries = Number(values.deliveries ?? 10_000);
const days = Number(values.days ?? 60);
const maxPrms = Number(values['max-prms'] ?? 2_000);
const dirFiles = Number(values['dir-files'] ?? 1_000);
const out = path.resolve(values.out ?? path.join(BENCH_DIR, 'RESULTS.md'));

const prmOf = (n: number) => String(10_000_000_000_000 + n);

/** The day `n` days after `date`. */
function addDays(date: string, n: number): string {
  let day = date;
  for (let i = 0; i < n; i += 1) day = nextDate(day);
  return day;
}

/** One R151 of `count` PRMs read at the end of `date` (their indexes rising a little every day). */
function r151(date: string, dayIndex: number, first: number, count: number): string {
  return r151Flow(
    Array.from({ length: count }, (_, i) => ({
      prm: prmOf(first + i),
      date,
      wh: { BASE: 1_000_000 + dayIndex * 7_000 + i },
    })),
  );
}

interface Delivery {
  readonly name: string;
  readonly bytes: Buffer;
  readonly prms: number;
}

/**
 * The backlog as a server holds it: deliveries numbered in the order they were made, day after day
 * (delivery `n` is of day n × days / deliveries); one in ten is a C15 event, the rest R151 zips.
 */
function backlog(): Delivery[] {
  const random = seededRandom(43);
  return Array.from({ length: deliveries }, (_, n) => {
    const dayIndex = Math.floor((n * days) / deliveries);
    const date = addDays(FIRST_DAY, dayIndex);
    const stamp = `${addDays(date, 1).replaceAll('-', '')}03${String(n % 60).padStart(2, '0')}00`;
    const number = String(n).padStart(5, '0');
    if (n % 10 === 9) {
      // PRMs of their own: a change of contract, its index unchanged across the event.
      const flow = c15Event(prmOf(9_000_000_000_000 + n), `${date}T10:00:00+01:00`, { BASE: 1000 }, { BASE: 1000 });
      const name = `ENEDIS_C15_17X100A100A0001A_GRD-F121_0123456789_${number}_Q_00001_00001_${stamp}.zip`;
      return { name, bytes: encrypted(zipOf({ 'c15.xml': Buffer.from(flow) })), prms: 1 };
    }
    const prms = Math.max(1, Math.round(Math.exp(random() * Math.log(maxPrms))));
    // The k-th delivery of every day holds the same PRMs: each day's readings close the day before's.
    const flow = r151(date, dayIndex, (n % Math.ceil(deliveries / days)) * maxPrms, prms);
    const name = `ENEDIS_R151_17X100A100A0001A_GRD-F121_0123456789_${number}_Q_00001_00001_${stamp}.zip`;
    return { name, bytes: encrypted(zipOf({ 'r151.xml': Buffer.from(flow) })), prms };
  });
}

/** Workflow runs matching `query`, counted by ID. */
async function runsById(client: Client, query: string): Promise<Map<string, number>> {
  const runs = new Map<string, number>();
  for await (const run of client.workflow.list({ query }))
    runs.set(run.workflowId, (runs.get(run.workflowId) ?? 0) + 1);
  return runs;
}

async function count(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(query)).count;
}

/** The failure of the first run matching `query`, for the record; null when none. */
async function firstFailure(client: Client, query: string): Promise<string | null> {
  for await (const run of client.workflow.list({ query })) {
    const failure = await client.workflow
      .getHandle(run.workflowId, run.runId)
      .result()
      .then(
        () => 'completed',
        (error: unknown) => {
          const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
          return `${error instanceof Error ? error.message : String(error)}${cause}`;
        },
      );
    return `${run.workflowId}: ${failure}`;
  }
  return null;
}

/** How many times each file was ingested, over the batches' outputs. */
async function filesIngested(client: Client, batchIds: readonly string[]): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const id of batchIds) {
    const output = await client.workflow
      .getHandle(id)
      .result()
      .then(
        (value: IngestFilesOutput) => value,
        () => null,
      );
    for (const key of output?.ingested ?? []) times.set(key, (times.get(key) ?? 0) + 1);
  }
  return times;
}

/** Waits until no ingestion, day ingestion or day runs; returns when that was. */
async function settled(client: Client): Promise<void> {
  const open =
    'ExecutionStatus = "Running" AND WorkflowType IN ("ingestDrop", "ingestFiles", "dayIngestion", "dailyPipeline", "sftpPickup")';
  for (let quiet = 0; quiet < 3; await sleep(1_000)) quiet = (await count(client, open)) === 0 ? quiet + 1 : 0;
}

function dayRunFigures(runs: ReadonlyMap<string, number>): { days: number; max: number; mean: number } {
  const perDay = [...runs.values()];
  const total = perDay.reduce((a, b) => a + b, 0);
  return { days: perDay.length, max: Math.max(0, ...perDay), mean: perDay.length ? total / perDay.length : 0 };
}

async function main(): Promise<void> {
  const { dir, servers, sftp, env, worker, stop } = await startSftpBenchStack('sftp-backlog');
  try {
    const files = backlog();
    const prmReadings = files.reduce((sum, f) => sum + f.prms, 0);
    const bytes = files.reduce((sum, f) => sum + f.bytes.length, 0);
    for (const file of files) await writeFile(path.join(sftp.remoteDir, file.name), file.bytes);
    process.stdout.write(`${files.length} deliveries (${mb(bytes)} MB, ${prmReadings} PRM readings) on the server\n`);
    await worker.ready;
    const pid = worker.child.pid ?? 0;
    const client = servers.client;

    const cpuBefore = cpuSeconds(pid) ?? 0;
    const serverCpuBefore = cpuSeconds(servers.pids.temporal) ?? 0;
    const started = performance.now();
    await client.workflow.execute('sftpPickup', { taskQueue: 'courant', workflowId: 'bench-first-pickup' });
    const fetchedAfter = (performance.now() - started) / 1000;
    await settled(client);
    const pickupWall = (performance.now() - started) / 1000;
    const pickupCpu = (cpuSeconds(pid) ?? 0) - cpuBefore;
    const serverCpu = (cpuSeconds(servers.pids.temporal) ?? 0) - serverCpuBefore;
    const batches = await runsById(client, 'WorkflowType = "ingestFiles"');
    const failedIngestions = await count(client, 'WorkflowType = "ingestFiles" AND ExecutionStatus != "Completed"');
    const pickupDays = dayRunFigures(await runsById(client, 'WorkflowType = "dailyPipeline"'));
    const ingested = await filesIngested(client, [...batches.keys()]);
    const twice = [...ingested.values()].filter((n) => n > 1).length;
    const whyFailed = await firstFailure(client, 'WorkflowType = "ingestFiles" AND ExecutionStatus != "Completed"');
    const inbox = path.join(env.DATA_DIR ?? '', 'inbox', 'enedis');
    const left = await readdir(inbox).catch(() => []);

    // A thousand files of one day, given by hand.
    const given = path.join(dir, 'given');
    await mkdir(given);
    for (let i = 0; i < dirFiles; i += 1)
      await writeFile(
        path.join(given, `R151_${String(i).padStart(4, '0')}.xml`),
        r151Flow([{ prm: prmOf(5_000_000 + i), date: DIR_DAY, wh: { BASE: 2_000_000 + i } }]),
      );
    const dirCpuBefore = cpuSeconds(pid) ?? 0;
    const dirStarted = performance.now();
    const byDir = await runCli(['ingest', '--dataset', 'enedis', '--dir', given, '--wait'], env);
    const dirWall = (performance.now() - dirStarted) / 1000;
    const dirCpu = (cpuSeconds(pid) ?? 0) - dirCpuBefore;
    if (byDir.code !== 0) throw new Error(`courant ingest --dir failed:\n${byDir.stderr.slice(-2000)}`);
    const dirRuns = (await runsById(client, `WorkflowId = "daily/${DIR_DAY}"`)).get(`daily/${DIR_DAY}`) ?? 0;
    const peak = peakRssBytes(pid) ?? 0;

    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    const met =
      pickupWall <= GOAL_S &&
      failedIngestions === 0 &&
      twice === 0 &&
      ingested.size === deliveries &&
      left.length === 0;
    const section = [
      SECTION,
      '',
      `\`node --import tsx bench/sftp/backlog.ts --deliveries ${deliveries} --days ${days} --max-prms ${maxPrms} --dir-files ${dirFiles}\` — ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${load} at the end.`,
      '',
      `A real sshd (internal-sftp), the Temporal dev server, the document store (FerretDB) and one \`courant worker\` process (default settings). The server holds ${int(files.length)} encrypted deliveries (${mb(bytes)} MB): R151 zips of 1 to ${int(maxPrms)} PRMs (log-uniform, ${int(prmReadings)} PRM readings in all) and one C15 in ten, over ${days} days. One pickup takes the backlog in rounds of 200 files, each round one batch (\`ingest-batch/enedis/…\`): its files claimed together, then the days they touch asked of \`ingest-day/enedis/{date}\`, and files of one day share that day's runs.`,
      '',
      table(
        ['what', 'wall time', 'worker CPU', 'Temporal CPU', 'day runs', 'worker peak RSS'],
        [
          [
            `the first pickup: ${int(files.length)} deliveries, ${days} days`,
            `${seconds(pickupWall)} (fetched by ${seconds(fetchedAfter)})`,
            seconds(pickupCpu),
            seconds(serverCpu),
            `${int(pickupDays.days)} days run, ${pickupDays.mean.toFixed(1)} runs a day on average, ${pickupDays.max} at most`,
            '',
          ],
          [
            `\`courant ingest --dir --wait\`: ${int(dirFiles)} files of ${DIR_DAY}`,
            seconds(dirWall),
            seconds(dirCpu),
            '',
            `${dirRuns} runs of the day`,
            `${mb(peak)} MB (the whole run)`,
          ],
        ],
      ),
      '',
      `- ${met ? '**met**' : '**not met**'} — ${int(deliveries)} deliveries ingested within ${GOAL_S / 60} minutes, each once: ${int(ingested.size)} files ingested by ${int(batches.size)} batches (${twice} ingested twice, ${failedIngestions} batches not completed), ${left.length} files left in the inbox.${whyFailed ? ` The first not completed: ${whyFailed}` : ''}`,
      '',
    ].join('\n');
    await writeSection(out, SECTION, section);
    process.stdout.write(`${section}\n→ ${out}\n`);
  } finally {
    await stop();
  }
}

await main();
