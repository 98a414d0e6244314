/**
 * Enedis flows at a supplier's volume (issue 71): a day of R151 for `--prms` PRMs (1 000 000),
 * delivered as a large subscription's is — one delivery split into `--parts` zips of consecutive
 * PRMs (20) — ingested on one of courant's real paths (a Temporal dev server, the document store
 * and one `courant worker` running the bundle built ahead), then `courant energies` for the day:
 * - `--via dir` (the default): `courant ingest --dir … --wait`, one ingestion a file, as an operator
 *   gives files by hand;
 * - `--via sftp`: the zips encrypted as Enedis encrypts a delivery, on a real sshd, fetched by one
 *   `sftpPickup` and ingested by the batches it starts, as a supplier's deliveries arrive.
 * The day before is ingested first by `--dir`, untimed: a day's energy is its index less the day
 * before's.
 *
 * Prints the day's wall time (ingest, energies), the worker's peak RSS and CPU during it, then where
 * the time went: each activity type's seconds summed over the workflows the day started (from
 * their histories), and how many runs of each workflow type. Writes nothing to bench/RESULTS.md.
 *
 *   node --import tsx bench/enedis/million-day.ts [--prms 1000000] [--parts 20] [--via dir|sftp]
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { encrypted, keyEnvOf, TEST_DELIVERY_KEY } from '../../test/support/enedis-deliveries.js';
import { startSftpServer, type SftpTestServer } from '../../test/support/sftp-server.js';
import { activitySeconds } from '../billing/activity-seconds.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { installChildCleanup } from '../lib/child.js';
import { int, mb } from '../lib/markdown.js';
import { cpuSeconds, resetPeakRss } from '../lib/proc.js';
import { benchWorkerEnv, startBenchServers } from '../lib/servers.js';
import { startWorkerProcess } from '../orchestration/worker-process.js';
import { courant, energyTotals } from './enedis-bench.js';
import { r151SplitDays } from './r151-input.js';

const DAY_BEFORE = '2024-04-01';
const DAY = '2024-04-02';
/** The issue's goal for the day: ingested with its energies. */
const GOAL = { seconds: 30, bytes: 1e9 };

const { values } = parseArgs({
  options: {
    prms: { type: 'string', default: '1000000' },
    parts: { type: 'string', default: '20' },
    via: { type: 'string', default: 'dir' },
  },
});
const via = values.via;
if (via !== 'dir' && via !== 'sftp') throw new Error(`--via: dir or sftp, got ${values.via}`);
const prms = Number(values.prms);
const parts = Number(values.parts);
if (!Number.isInteger(prms) || prms < 1) throw new Error(`--prms: a positive whole number, got ${values.prms}`);
if (!Number.isInteger(parts) || parts < 1 || parts > prms)
  throw new Error(`--parts: a whole number from 1 to --prms, got ${values.parts}`);

const say = (line: string) => process.stdout.write(`${line}\n`);
const load = () => (os.loadavg()[0] ?? 0).toFixed(1);

installChildCleanup();
const generating = performance.now();
const [beforeDir, dayDir] = await r151SplitDays(prms, parts, [DAY_BEFORE, DAY]);
if (beforeDir === undefined || dayDir === undefined) throw new Error('two days of zips expected');
const zipBytes = (await Promise.all((await readdir(dayDir)).map((name) => stat(path.join(dayDir, name))))).reduce(
  (sum, file) => sum + file.size,
  0,
);
say(
  `inputs: ${int(prms)} PRMs a day in ${parts} zips (${mb(zipBytes)} MB zipped a day), ready in ${((performance.now() - generating) / 1000).toFixed(0)} s`,
);

const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-million-day-'));
const logDir = path.join(work, 'logs');
await mkdir(logDir);
const servers = await startBenchServers(path.join(work, 'servers'), logDir);
const sftp = via === 'sftp' ? await startSftpServer() : null;
try {
  const env = benchWorkerEnv(
    servers,
    'enedis-million',
    { dataDir: path.join(work, 'data'), bundles: await benchWorkflowBundles() },
    {
      TMPDIR: await mkdtemp(path.join(work, 'tmp-')),
      ...(sftp === null ? {} : { ...keyEnvOf(TEST_DELIVERY_KEY), ...sftp.enedisEnv() }),
    },
  );
  const worker = await startWorkerProcess(env, path.join(logDir, 'worker.log'));
  const logFile = path.join(logDir, 'cli.log');
  try {
    const before = await courant(['ingest', '--dataset', 'enedis', '--dir', beforeDir, '--wait'], env, logFile);
    say(`the day before (${DAY_BEFORE}) ingested in ${before.toFixed(1)} s, untimed; load ${load()}`);

    resetPeakRss(worker.pid);
    const cpuBefore = cpuSeconds(worker.pid) ?? 0;
    const since = new Date();
    const loadBefore = load();
    const ingest =
      sftp === null
        ? await courant(['ingest', '--dataset', 'enedis', '--dir', dayDir, '--wait'], env, logFile)
        : await pickedUp(servers.client, env.TEMPORAL_TASK_QUEUE ?? '', sftp, dayDir);
    const out = path.join(work, 'energies.parquet');
    const energies = await courant(
      ['energies', '--dataset', 'enedis', '--from', DAY, '--to', DAY, '--format', 'parquet', '--out', out],
      env,
      logFile,
    );
    const peak = worker.peakRssBytes() ?? 0;
    const cpu = (cpuSeconds(worker.pid) ?? 0) - cpuBefore;
    const totals = await energyTotals(out);
    // A delivery ingested in part (a batch not waited for, a file refused) would time less work.
    if (totals.prms !== prms) throw new Error(`${DAY}: energies of ${totals.prms} PRMs, not the ${prms} delivered`);
    const total = ingest + energies;
    say(
      `${DAY}: ingest ${ingest.toFixed(1)} s + energies ${energies.toFixed(1)} s = ${total.toFixed(1)} s ` +
        `(goal ≤ ${GOAL.seconds} s: ${total <= GOAL.seconds ? 'met' : 'missed'}); worker peak RSS ${mb(peak)} MB ` +
        `(goal ≤ ${mb(GOAL.bytes)} MB: ${peak <= GOAL.bytes ? 'met' : 'missed'}), worker CPU ${cpu.toFixed(1)} s; ` +
        `${int(totals.prms)} PRMs, ${int(Math.round(totals.energyKWh))} kWh; load ${loadBefore} → ${load()}`,
    );

    const runs = new Map<string, number>();
    const activities: Record<string, number> = {};
    for await (const execution of servers.client.workflow.list({ query: `StartTime >= "${since.toISOString()}"` })) {
      runs.set(execution.type, (runs.get(execution.type) ?? 0) + 1);
      const seconds = await activitySeconds(servers.client, execution.workflowId, execution.runId);
      for (const [type, s] of Object.entries(seconds)) activities[type] = (activities[type] ?? 0) + s;
    }
    say(`workflow runs: ${[...runs].map(([type, n]) => `${type} ${n}`).join(', ')}`);
    say('activity seconds (summed over the runs, attempts that completed):');
    for (const [type, s] of Object.entries(activities).sort(([, a], [, b]) => b - a))
      say(`  ${type.padEnd(28)} ${s.toFixed(2)} s`);
  } finally {
    await worker.stop();
  }
} finally {
  await sftp?.stop();
  await servers.stop();
}
await rm(work, { recursive: true, force: true });

/**
 * The zips of `dir` encrypted onto the SFTP server, then one `sftpPickup` and the ingestion batches
 * it started, waited for: seconds from the pickup's start to the last batch's end.
 */
async function pickedUp(client: Client, taskQueue: string, server: SftpTestServer, dir: string): Promise<number> {
  for (const name of await readdir(dir))
    await writeFile(path.join(server.remoteDir, name), encrypted(await readFile(path.join(dir, name))));
  const started = performance.now();
  const since = new Date().toISOString();
  await client.workflow.execute('sftpPickup', { taskQueue, workflowId: `bench-million-pickup-${Date.now()}` });
  for await (const batch of client.workflow.list({ query: `WorkflowType = "ingestFiles" AND StartTime >= "${since}"` }))
    await client.workflow.getHandle(batch.workflowId, batch.runId).result();
  return (performance.now() - started) / 1000;
}
