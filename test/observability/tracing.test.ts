/**
 * Traces on the real dev server: a day started the way `courant run` starts it (connectClient +
 * startDay) is one trace, from the client's start through the day, its child and every activity,
 * with a worker and a client exporting to in-memory exporters; a collector that does not answer
 * (a closed loopback port) neither fails the day nor logs more than once per process. And the
 * OTEL_* variables are checked by loadConfig with the others.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { ConfigError, loadConfig, type Config } from '../../src/config/index.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { startTracing, type Tracing } from '../../src/observability/tracing.js';
import { loggedExporter } from '../../src/observability/tracing-export.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { freePort } from '../../src/stack/ports.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';
import { createLogger } from '../../src/workers/logger.js';
import { openWorkerResources } from '../../src/workers/resources.js';
import { connectClient } from '../../src/workers/temporal-connection.js';
import { createWorkers, runWorkersUntil } from '../../src/workers/worker.js';
import { emptyExport, syntheticRealtimeExport } from '../support/synthetic-eco2mix.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, testConfig } from '../support/test-stack.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';

const TR = 'eco2mix-national-tr';
const TRACED_DAY = '2019-05-14';
const UNREACHABLE_DAY = '2019-05-15';
const EXPORT_FAILED = 'OTLP trace export failed';

/** A pino logger whose JSON lines are kept, parsed. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; endpoint?: string; droppedSpans?: number }> = [];
  const logger = createLogger('info', {
    write: (line: string) => {
      lines.push(JSON.parse(line) as (typeof lines)[number]);
    },
  });
  return { logger, lines };
}

/** The real worker wiring (createWorkers with tracing, the bundle with its workflow interceptors) until stop(). */
async function startTracedWorker(config: Config, tracing: Tracing, bundle: WorkflowBundleWithSourceMap) {
  const logger = createLogger('warn');
  const resources = await openWorkerResources(config, logger);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const workerClient = await connectClient(config, { tracing });
  const workers = await createWorkers({
    connection,
    client: workerClient.client,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: resources.deps,
    workflowBundle: { code: bundle.code },
    tracing,
  });
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const running = runWorkersUntil(workers, () => released);
  return {
    resources,
    async stop() {
      release();
      await running;
      await workerClient.close();
      await connection.close();
      await resources.close();
    },
  };
}

let odre: OdreServer;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  odre = await startOdreServer({
    [TR]: syntheticRealtimeExport(TRACED_DAY, UNREACHABLE_DAY),
    'eco2mix-national-cons-def': emptyExport(),
  });
  const probe = startTracing(await testConfig(), createLogger('warn'), {
    role: 'worker',
    exporter: new InMemorySpanExporter(),
  });
  bundle = await bundleWorkflows(undefined, { interceptorModules: probe?.workflowModules ?? [] });
  await probe?.shutdown();
});

afterAll(async () => {
  await odre.close();
});

describe('a day started like `courant run`', () => {
  it('is one trace: the client start, the dailyPipeline, its datasetDay child and every activity of the day', async () => {
    const config = await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl });
    const workerSpans = new InMemorySpanExporter();
    const cliSpans = new InMemorySpanExporter();
    const logger = createLogger('warn');
    const workerTracing = startTracing(config, logger, { role: 'worker', exporter: workerSpans });
    const cliTracing = startTracing(config, logger, { role: 'cli', exporter: cliSpans });
    if (!workerTracing || !cliTracing) throw new Error('an injected exporter turns tracing on');
    const worker = await startTracedWorker(config, workerTracing, bundle);
    const { client, close } = await connectClient(config, { tracing: cliTracing });
    try {
      const handle = await startDay(client, {
        date: TRACED_DAY,
        runKind: 'manual',
        datasets: ['eco2mix'],
        taskQueue: config.temporal.taskQueue,
      });
      await handle.result();
    } finally {
      await close();
      await worker.stop();
    }
    await cliTracing.flush();
    await workerTracing.flush();
    const spans: ReadableSpan[] = [...cliSpans.getFinishedSpans(), ...workerSpans.getFinishedSpans()];
    await cliTracing.shutdown();
    await workerTracing.shutdown();

    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots.map((s) => s.name)).toEqual(['StartWorkflow:dailyPipeline']);
    const [start] = roots;
    expect(start?.attributes.temporalWorkflowId).toBe(workflowIds.daily(TRACED_DAY));
    expect(start?.resource.attributes['service.name']).toBe('courant-cli');

    const childOf = (parent: ReadableSpan | undefined, name: string) =>
      spans.filter((s) => s.name === name && s.parentSpanId === parent?.spanContext().spanId);
    const [pipeline] = childOf(start, 'RunWorkflow:dailyPipeline');
    expect(pipeline?.resource.attributes['service.name']).toBe('courant-worker');
    const [startChild] = childOf(pipeline, 'StartChildWorkflow:datasetDay');
    const [day] = childOf(startChild, 'RunWorkflow:datasetDay');
    expect(day?.attributes.workflowId).toBe(workflowIds.datasetDay('eco2mix', TRACED_DAY));

    /** The activities a workflow ran: each RunActivity under the StartActivity the workflow made. */
    const activitiesOf = (workflow: ReadableSpan | undefined) =>
      spans
        .filter((s) => s.name.startsWith('StartActivity:') && s.parentSpanId === workflow?.spanContext().spanId)
        .flatMap((scheduled) => childOf(scheduled, scheduled.name.replace('StartActivity:', 'RunActivity:')))
        .map((s) => s.name.replace('RunActivity:', ''))
        .sort();
    expect(activitiesOf(pipeline)).toEqual(['buildDailyReport', 'requestReport']);
    expect(activitiesOf(day)).toEqual([
      'checkQuality',
      'computeMetrics',
      'downloadSources',
      'finishDayRun',
      'planDay',
      'rangeHoldingDay',
      'startDayRun',
      'transformDay',
    ]);
  });
});

describe('an OTLP endpoint that does not answer', () => {
  it('fails no day run by `courant run`: the spans are dropped, and the CLI and the worker each log it once', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const config = await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const workerLog = capturingLogger();
    const workerTracing = startTracing(config, workerLog.logger, { role: 'worker' });
    if (!workerTracing) throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT turns tracing on');
    const worker = await startTracedWorker(config, workerTracing, bundle);
    try {
      const cli = await runCommandLine(['run', '--date', UNREACHABLE_DAY, '--datasets', 'eco2mix', '--wait'], {
        ...cliEnv(config),
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        LOG_FORMAT: 'json',
      });
      expect(cli.code, cli.stdout + cli.stderr).toBe(0);
      const cliFailures = cli.stderr.split('\n').filter((line) => line.includes(EXPORT_FAILED));
      expect(cliFailures).toHaveLength(1);
      expect(cliFailures[0]).toContain(`"endpoint":"${endpoint}/v1/traces"`);
      const record = await worker.resources.deps.records.getDayRun('eco2mix', UNREACHABLE_DAY);
      expect(record?.status).toBe('succeeded');
    } finally {
      await worker.stop();
      await workerTracing.shutdown();
    }
    const failures = workerLog.lines.filter((l) => l.msg.startsWith(EXPORT_FAILED));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 40, endpoint: `${endpoint}/v1/traces` });
  });

  it('is logged once per outage however many exports fail, and its end once with the spans dropped', () => {
    const results: ExportResult[] = [
      { code: ExportResultCode.FAILED, error: new Error('connect ECONNREFUSED') },
      { code: ExportResultCode.FAILED, error: new Error('connect ECONNREFUSED') },
      { code: ExportResultCode.FAILED, error: new Error('connect ECONNREFUSED') },
      { code: ExportResultCode.SUCCESS },
      { code: ExportResultCode.SUCCESS },
    ];
    const inner = new InMemorySpanExporter();
    inner.export = (_spans, done) => done(results.shift() ?? { code: ExportResultCode.SUCCESS });
    const { logger, lines } = capturingLogger();
    const exporter = loggedExporter(inner, logger, 'http://collector:4318/v1/traces');
    const batch = [{} as ReadableSpan, {} as ReadableSpan];
    const codes: ExportResultCode[] = [];
    for (let i = 0; i < 5; i++) exporter.export(batch, (result) => codes.push(result.code));

    const { FAILED, SUCCESS } = ExportResultCode;
    expect(codes).toEqual([FAILED, FAILED, FAILED, SUCCESS, SUCCESS]);
    expect(lines.map((l) => [l.level, l.msg.split(';')[0], l.droppedSpans])).toEqual([
      [40, EXPORT_FAILED, undefined],
      [30, 'OTLP trace export works again', 6],
    ]);
  });
});

/** The problems loadConfig names for `env` (none when it loads). */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, DATASET_MODULES);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadConfig and the OTEL_* variables', () => {
  it('names a malformed OTEL_EXPORTER_OTLP_ENDPOINT with the other problems', () => {
    const problems = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      TEMPORAL_TLS: 'maybe',
      STORAGE_MODE: 'local',
    });
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith('OTEL_EXPORTER_OTLP_ENDPOINT:'))).toContain('http or https URL');
    expect(problems.some((p) => p.startsWith('TEMPORAL_TLS:'))).toBe(true);
  });

  it('refuses malformed OTEL_EXPORTER_OTLP_HEADERS without repeating their value', () => {
    const secret = 'Bearer%2';
    const problems = problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: `authorization=${secret}`, STORAGE_MODE: 'local' });
    expect(problems).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: must be key=value pairs separated by commas, values percent-encoded',
    ]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign', STORAGE_MODE: 'local' })).toHaveLength(1);
  });

  it('reads the endpoint, decoded headers and service name; tracing is off without an endpoint', () => {
    const config = loadConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-team = data',
        OTEL_SERVICE_NAME: 'courant-prod',
        STORAGE_MODE: 'local',
      },
      DATASET_MODULES,
    );
    expect(config.tracing).toEqual({
      otlpEndpoint: 'https://otlp.example.com:4318/',
      otlpHeaders: { authorization: 'Bearer abc', 'x-team': 'data' },
      serviceName: 'courant-prod',
    });
    const off = loadConfig({ STORAGE_MODE: 'local' }, DATASET_MODULES);
    expect(off.tracing.otlpEndpoint).toBeNull();
    expect(startTracing(off, createLogger('silent'), { role: 'cli' })).toBeNull();
  });
});
