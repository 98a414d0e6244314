/**
 * A real worker process with METRICS_ADDRESS, scraped by a real Prometheus server (Debian's
 * package): after one eCO2mix day, PromQL over Prometheus's HTTP API sees the day, its rows, its
 * source requests (one answered 503 and retried), its stage timings, its bytes, its freshness and
 * the Temporal SDK's metrics; the alerting rules evaluate; the Grafana dashboard's expressions are
 * valid and use only exported metrics. A METRICS_ADDRESS already in use stops the worker at start.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { freePort } from '../../src/stack/ports.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { createRecordStore, type RecordStore } from '../../src/storage/index.js';
import { runCli, runCommandLine } from '../support/run-cli.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { readUntil } from '../support/deadlines.js';
import { cliEnv, testConfig } from '../support/test-stack.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { dashboardExpressions, exportedMetricNames, metricNamesOf } from './exposition.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';
import { RULES_FILE } from './promtool.js';

const TR = 'eco2mix-national-tr';
const DAY = '2019-06-13';

let odre: OdreServer;
let config: Config;
let env: Record<string, string>;
let metricsAddress: string;
let worker: WorkerProcess;
let prometheus: PrometheusServer;
let records: RecordStore;

/** The single value of an instant query, or null when it has no series. */
async function value(expr: string): Promise<number | null> {
  const result = await prometheus.query(expr);
  if (result.length > 1) throw new Error(`${expr} has ${result.length} series`);
  return result[0] ? Number(result[0].value[1]) : null;
}

/** Waits until `expr` returns a series, e.g. once a scrape or a rule evaluation made it so. */
async function eventually(expr: string): Promise<void> {
  const series = await readUntil(
    () => prometheus.query(expr),
    (result) => result.length > 0,
  );
  if (series.length === 0) throw new Error(`${expr} gave no series within the wait's deadline`);
}

/** Bytes of the files under `dir` of the data directory, at any depth. */
async function bytesUnder(dir: string): Promise<number> {
  const root = path.join(config.storage.dataDir, dir);
  const files = await readdir(root, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    files.filter((f) => f.isFile()).map(async (f) => (await stat(path.join(f.parentPath, f.name))).size),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  odre = await startOdreServer({ [TR]: syntheticRealtimeExport(DAY, DAY), 'eco2mix-national-cons-def': emptyExport() });
  odre.failNext(TR, [{ status: 503, body: 'busy' }]);
  config = await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl });
  metricsAddress = `127.0.0.1:${await freePort()}`;
  env = { ...cliEnv(config), STORAGE_MODE: 'local', ECO2MIX_BASE_URL: odre.baseUrl };
  worker = startWorkerProcess({ ...env, METRICS_ADDRESS: metricsAddress });
  await worker.ready;
  prometheus = await startPrometheus([metricsAddress], [RULES_FILE]);
  records = await createRecordStore(config);
  const run = await runCommandLine(['run', '--date', DAY, '--wait'], env);
  if (run.code !== 0) throw new Error(`courant run failed:\n${run.stdout}${run.stderr}\n${worker.output()}`);
  // A scrape that started after the run ended sees everything the run counted.
  await eventually(`timestamp(courant_build_info) > ${Date.now() / 1000}`);
});

afterAll(async () => {
  await prometheus?.stop();
  await worker?.kill('SIGTERM');
  await records?.close();
  await odre?.close();
  if (config) await rm(config.storage.dataDir, { recursive: true, force: true });
});

describe('the worker scraped by Prometheus after one eCO2mix day', () => {
  it('counts the day as succeeded, once, and its rows as the day record has them', async () => {
    expect(await value('courant_days_finished_total{dataset="eco2mix",status="succeeded"}')).toBe(1);
    expect(await value('courant_days_finished_total{dataset="eco2mix",status="failed"}')).toBe(0);
    const rows = (await records.getDayRun('eco2mix', DAY))?.rows;
    expect(rows?.written).toBeGreaterThan(0);
    expect(await value('courant_rows_written_total{dataset="eco2mix"}')).toBe(rows?.written);
    expect(await value('courant_rows_read_total{dataset="eco2mix"}')).toBe(rows?.read);
    expect(await value('courant_rows_rejected_total{dataset="eco2mix"}')).toBe(rows?.rejected);
  });

  it('counts every source request by its status, the 503 and the download retry that followed', async () => {
    expect(await value('sum(courant_source_requests_total{dataset="eco2mix"})')).toBe(odre.requests.length);
    expect(await value('sum(courant_source_requests_total{dataset="eco2mix",code="503"})')).toBe(1);
    expect(await value('sum(courant_stage_retries_total{dataset="eco2mix",stage="download"})')).toBe(1);
    expect(
      await value('courant_stage_duration_seconds_count{dataset="eco2mix",stage="download",outcome="failure"}'),
    ).toBe(1);
    for (const stage of ['transform', 'metrics', 'quality']) {
      expect(
        await value(`courant_stage_duration_seconds_count{dataset="eco2mix",stage="${stage}",outcome="success"}`),
        stage,
      ).toBe(1);
    }
    expect(await value('sum(courant_stage_duration_seconds_count{dataset="all",stage="report"})')).toBeGreaterThan(0);
  });

  it('counts the bytes written as the data directory holds them', async () => {
    for (const area of ['raw', 'processed']) {
      expect(await value(`courant_object_write_bytes_total{area="${area}",dataset="eco2mix"}`), area).toBe(
        await bytesUnder(`${area}/eco2mix`),
      );
    }
    expect(await value('sum(courant_object_fallback_reads_total)')).toBe(0);
  });

  it('gives the freshness: seconds since the end of the day, as of the scrape', async () => {
    const freshness = 'courant_dataset_freshness_seconds{dataset="eco2mix"}';
    const dayEnd = parisDayBounds(DAY).end.getTime() / 1000;
    // The freshness less the seconds from the day's end to the start of the scrape that read it
    // (its sample's timestamp): what the scrape took to reach the gauge, within its timeout (the
    // scrape interval, a second) however slow the machine, give or take the few milliseconds by
    // which Prometheus aligns a scrape's timestamp.
    const [lag] = await prometheus.query(`${freshness} - (timestamp(${freshness}) - ${dayEnd})`);
    expect(Number(lag?.value[1])).toBeGreaterThanOrEqual(-0.01);
    expect(Number(lag?.value[1])).toBeLessThanOrEqual(1);
    const [sample] = await prometheus.query(freshness);
    expect(Number(sample?.value[1])).toBeLessThanOrEqual(sample ? sample.value[0] - dayEnd : NaN);
    expect(await value('courant_dataset_due_seconds{dataset="eco2mix"}')).toBe(7 * 3600);
  });

  it("serves the Temporal SDK's metrics on the same address, for this worker's task queues", async () => {
    const slots = await prometheus.query(
      `temporal_worker_task_slots_available{task_queue="${config.temporal.taskQueue}"}`,
    );
    expect(slots.map((s) => s.metric.worker_type).sort()).toEqual(
      expect.arrayContaining(['ActivityWorker', 'WorkflowWorker']),
    );
    expect(
      await value(`sum(temporal_activity_execution_failed_total{task_queue="${config.temporal.taskQueue}"})`),
    ).toBe(1);
  });

  it('evaluates every alerting rule without error; only the lateness alert holds (the day is years old)', async () => {
    // The day is years old, so eCO2mix is late: the rule holds, pending for its 15 minutes.
    await eventually('ALERTS{alertname="CourantDatasetLate",alertstate="pending",dataset="eco2mix"}');
    const rules = await readUntil(
      async () => (await prometheus.rules()).flatMap((g) => g.rules),
      (all) => all.every((r) => r.health !== 'unknown'),
    );
    expect(rules.map((r) => [r.name, r.health])).toEqual([
      ['CourantDatasetLate', 'ok'],
      ['CourantDayFailed', 'ok'],
      ['CourantFallbackReads', 'ok'],
      ['CourantOutputsMissing', 'ok'],
      ['CourantWorkerDown', 'ok'],
      ['CourantSftpDeliveryWaiting', 'ok'],
      ['CourantWorkflowTaskFailing', 'ok'],
    ]);
    expect(await prometheus.query('ALERTS{alertname="CourantDatasetLate"}')).toHaveLength(1);
    expect(await prometheus.query('ALERTS{alertname!="CourantDatasetLate"}')).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  it('is checked by a name extraction that sees through functions, grouping, labels, ranges and variables', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (le, stage) (rate(a_seconds_bucket{dataset=~"$dataset",x="y z"}[$__rate_interval]))) + on (dataset) b_total offset 5m',
      ),
    ).toEqual(['a_seconds_bucket', 'b_total']);
  });

  it('queries only metrics the worker exports, with expressions Prometheus accepts', async () => {
    const dashboard: unknown = JSON.parse(
      await readFile(path.join(PROJECT_ROOT, 'deploy/grafana/courant.json'), 'utf8'),
    );
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThanOrEqual(8);
    const exposition = await (await fetch(`http://${metricsAddress}/metrics`)).text();
    const exported = exportedMetricNames(exposition);
    for (const expr of expressions) {
      for (const name of metricNamesOf(expr)) expect(exported, `${name} in ${expr}`).toContain(name);
      await expect(
        prometheus.query(expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h')),
        expr,
      ).resolves.toBeDefined();
    }
  });
});

describe('METRICS_ADDRESS', () => {
  it('already in use stops the worker at start, exit status 2, naming the variable and the address', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const r = await runCli(['worker'], { ...env, METRICS_ADDRESS: `127.0.0.1:${address.port}` });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`METRICS_ADDRESS: 127.0.0.1:${address.port} is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
