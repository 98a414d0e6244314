/**
 * A month billed across a fleet (docs/billing.md, "A month in shards"): the large scenario's month
 * (100 000 contracts, or `--contracts N`) stored in aws mode — MinIO and DynamoDB Local, as the
 * stack's aws mode runs them — then billed by `billing/{M}` in shards of `--shard-prms` PRMs by
 * `--workers` `courant worker` processes (built) on one task queue, each with a data folder of its
 * own. Unless `--no-kill`, the first worker found billing a shard is killed with SIGKILL: its shard
 * is taken again by another worker once its heartbeat times out (a minute).
 *
 * Prints the wall time from the request to the month recorded, the seconds of each step's
 * activities (the month read and cut, the shards summed, the parts joined and recorded), which
 * worker billed each shard and in how many attempts, each worker's peak RSS, the month's SHA-256
 * and, unless `--no-compare` (a size one process cannot bill in one piece), whether its Parquet is
 * byte for byte the one billed in one piece from the same storage (in this process, by
 * `writeStoredMonth`).
 *
 *   node --import tsx bench/billing/fleet-bench.ts [--contracts 100000] [--shard-prms 10000] [--workers 3] [--no-kill]
 *        [--no-compare]
 */
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getBillingRecord } from '../../src/billing/billing-record.js';
import { loadRates } from '../../src/billing/rates.js';
import { withBillingScratch, writeStoredMonth } from '../../src/billing/stored-month.js';
import { loadConfig } from '../../src/config/index.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { freePort } from '../../src/stack/ports.js';
import type { ManagedProcess } from '../../src/stack/process.js';
import { startDynamoDbLocal, startMinio } from '../../src/stack/servers.js';
import { resolveDynamoDbLocal, resolveTool } from '../../src/stack/tools.js';
import { createStorage } from '../../src/storage/index.js';
import { BILLING_SIGNALS } from '../../src/workflow-safe/billing.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { succeededRun } from '../../test/support/console-days.js';
import { benchWorkflowBundles } from '../lib/bundles.js';
import { installChildCleanup } from '../lib/child.js';
import { startBenchServers } from '../lib/servers.js';
import { startWorkerProcess, type WorkerProcess } from '../orchestration/worker-process.js';
import { generate, scenarioDir, type GenerateOptions } from './generate.js';
import { activitySeconds } from './activity-seconds.js';
import { writeStoredTables } from './stored-tables.js';

const MONTH = '2025-03';
const HOST = '127.0.0.1';
const KEY = 'fleetbench';
const SECRET = 'fleetbenchsecret';

const { values } = parseArgs({
  options: {
    contracts: { type: 'string', default: '100000' },
    'shard-prms': { type: 'string', default: '10000' },
    workers: { type: 'string', default: '3' },
    'no-kill': { type: 'boolean', default: false },
    'no-compare': { type: 'boolean', default: false },
  },
});
const whole = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a positive whole number, got ${text}`);
  return n;
};
const contracts = whole('contracts', values.contracts);
const shardPrms = whole('shard-prms', values['shard-prms']);
const workerCount = whole('workers', values.workers);

const LARGE: GenerateOptions = { size: 'large', month: MONTH, seed: '1', xml: false, contracts };
const scenario = scenarioDir(LARGE);
const tables = {
  c15Events: path.join(scenario, 'tables', 'c15_events.parquet'),
  r151Readings: path.join(scenario, 'tables', 'r151_readings.parquet'),
};
if (
  !(await access(tables.r151Readings).then(
    () => true,
    () => false,
  ))
)
  await generate(LARGE);

const mb = (bytes: number | null) => `${Math.round((bytes ?? 0) / 2 ** 20)} MB`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every file under `dir`, as keys relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

installChildCleanup();
const work = await mkdtemp(path.join(os.tmpdir(), 'courant-bench-fleet-'));
const servers: ManagedProcess[] = [];
const workers: WorkerProcess[] = [];
try {
  const dataDir = path.join(work, 'stored');
  const stored = await writeStoredTables(tables, dataDir);
  const bench = await startBenchServers(path.join(work, 'servers'), work);
  const s3Port = await freePort();
  servers.push(
    await startMinio({
      binary: resolveTool('minio'),
      host: HOST,
      port: s3Port,
      dataDir: path.join(work, 'minio'),
      logDir: work,
      rootUser: KEY,
      rootPassword: SECRET,
    }),
  );
  const dynamoPort = await freePort();
  servers.push(await startDynamoDbLocal({ ...resolveDynamoDbLocal(), host: HOST, port: dynamoPort, logDir: work }));
  const env = {
    TEMPORAL_ADDRESS: bench.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'bench-fleet',
    STORAGE_MODE: 'aws',
    CREATE_STORAGE: 'true',
    S3_BUCKET: 'courant-fleet',
    S3_ENDPOINT: `http://${HOST}:${s3Port}`,
    DYNAMODB_ENDPOINT: `http://${HOST}:${dynamoPort}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: KEY,
    AWS_SECRET_ACCESS_KEY: SECRET,
    BILLING_SHARD_PRMS: String(shardPrms),
    WORKFLOW_BUNDLE_DIR: await benchWorkflowBundles(),
  };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET });
  const here = await mkdtemp(path.join(work, 'bench-data-'));
  const config = loadConfig({ ...env, DATA_DIR: here }, DATASET_MODULES);
  const storage = await createStorage(config);
  try {
    await storage.prepare();
    for (const key of await filesUnder(dataDir)) await storage.objects.putFile(key, path.join(dataDir, key));
    for (const date of stored.dates) await storage.records.upsertDayRun(succeededRun('enedis', date));
    process.stdout.write(`${stored.dates.length} days stored in MinIO and DynamoDB Local; ${workerCount} workers\n`);
    for (let i = 0; i < workerCount; i += 1) {
      const own = path.join(work, `worker-${i}`);
      await mkdir(own);
      workers.push(await startWorkerProcess({ ...env, DATA_DIR: own }, path.join(work, `worker-${i}.log`)));
    }
    const peaks = new Map<number, number>();
    const notePeaks = () => {
      for (const w of workers) peaks.set(w.pid, Math.max(peaks.get(w.pid) ?? 0, w.peakRssBytes() ?? 0));
    };
    const started = performance.now();
    const handle = await bench.client.workflow.signalWithStart('billingMonth', {
      workflowId: workflowIds.billing(MONTH),
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      args: [{ month: MONTH }],
      signal: BILLING_SIGNALS.bill,
      signalArgs: [{ kind: 'manual' }],
    });
    let killed: { pid: number; atS: number } | null = null;
    const done = handle.result().then(() => true);
    while (!(await Promise.race([done, new Promise<false>((r) => setTimeout(() => r(false), 250))]))) {
      notePeaks();
      if (values['no-kill'] || killed !== null) continue;
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      const billing = pending.find((a) => a.activityType?.name === 'billMonthShard' && a.lastWorkerIdentity);
      const victim = workers.find((w) => billing?.lastWorkerIdentity?.startsWith(`${w.pid}@`));
      if (victim === undefined) continue;
      process.kill(victim.pid, 'SIGKILL');
      killed = { pid: victim.pid, atS: (performance.now() - started) / 1000 };
      process.stdout.write(`killed worker ${victim.pid} (SIGKILL) billing a shard at ${killed.atS.toFixed(1)} s\n`);
    }
    const wallS = (performance.now() - started) / 1000;
    const shards: Array<{ shard: number; worker: string; attempt: number; seconds: number }> = [];
    const scheduled = new Map<string, number>();
    const startedAt = new Map<string, { identity: string; attempt: number; at: number }>();
    for (const event of (await handle.fetchHistory()).events ?? []) {
      const s = event.activityTaskScheduledEventAttributes;
      if (s?.activityType?.name === 'billMonthShard') {
        const input = JSON.parse(new TextDecoder().decode(s.input?.payloads?.[0]?.data ?? new Uint8Array())) as {
          shard: number;
        };
        scheduled.set(String(event.eventId), input.shard);
      }
      const st = event.activityTaskStartedEventAttributes;
      if (st && scheduled.has(String(st.scheduledEventId)))
        startedAt.set(String(event.eventId), {
          identity: st.identity ?? '',
          attempt: st.attempt ?? 0,
          at: Number(event.eventTime?.seconds ?? 0) + (event.eventTime?.nanos ?? 0) / 1e9,
        });
      const c = event.activityTaskCompletedEventAttributes;
      const begun = c ? startedAt.get(String(c.startedEventId)) : undefined;
      if (c && begun)
        shards.push({
          shard: scheduled.get(String(c.scheduledEventId)) ?? -1,
          worker: begun.identity.split('@')[0] ?? '',
          attempt: begun.attempt,
          seconds: Number(event.eventTime?.seconds ?? 0) + (event.eventTime?.nanos ?? 0) / 1e9 - begun.at,
        });
    }
    const phases = await activitySeconds(bench.client, workflowIds.billing(MONTH));
    const phase = (type: string) => `${(phases[type] ?? 0).toFixed(1)} s`;
    const record = await getBillingRecord(storage.records, MONTH);
    const inOnePiece = values['no-compare']
      ? null
      : await withBillingScratch(async ({ dir, db }) => {
          const written = await writeStoredMonth(storage, dir, db, loadRates(), MONTH);
          return sha256(await readFile(written.file));
        });
    const byWorker = new Map<string, number>();
    for (const s of shards) byWorker.set(s.worker, (byWorker.get(s.worker) ?? 0) + 1);
    process.stdout.write(
      [
        `${contracts} contracts in ${shards.length} shards of ${shardPrms} PRMs, ${workerCount} workers: month recorded ${wallS.toFixed(1)} s after the request`,
        `read and cut ${phase('billStoredMonth')}, the shards ${phase('billMonthShard')} summed, joined and recorded ${phase('recordMonthShards')}`,
        `shards per worker: ${workers.map((w) => `${w.pid}${w.pid === killed?.pid ? ' (killed)' : ''} ${byWorker.get(String(w.pid)) ?? 0}`).join(', ')}`,
        `each shard (shard worker attempt seconds): ${shards
          .sort((a, b) => a.shard - b.shard)
          .map((s) => `${s.shard} ${s.worker} ${s.attempt} ${s.seconds.toFixed(1)}`)
          .join('; ')}`,
        `workers' peak RSS: ${workers.map((w) => `${w.pid} ${mb(peaks.get(w.pid) ?? null)}`).join(', ')}`,
        `the month: ${record?.contracts ?? 0} contracts, SHA-256 ${record?.sha256 ?? '—'}; ${
          inOnePiece === null
            ? 'not billed in one piece (--no-compare)'
            : `in one piece ${inOnePiece.slice(0, 12)}: ${record?.sha256 === inOnePiece ? 'identical' : 'DIFFERENT'}`
        }`,
        '',
      ].join('\n'),
    );
  } finally {
    await storage.close();
    for (const w of workers) await w.stop().catch(() => undefined);
    for (const s of servers.reverse()) await s.stop();
    await bench.stop();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
