/** Worker bootstrap: clients built once, activities injected, clean shutdown on SIGINT/SIGTERM. */
import { setTimeout } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from 'pino';
import { requestRatesRebilling } from '../activities/billing.js';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { loadRates } from '../billing/rates.js';
import type { Config } from '../config/index.js';
import { registeredCatalog } from '../datasets/catalog.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import {
  stageMetricsInterceptor,
  startWorkerMetrics,
  type CourantMetrics,
  type WorkerMetrics,
} from '../observability/index.js';
import { startTracing, type Tracing } from '../observability/tracing.js';
import { fileCostLedger, type CostLedger } from '../cost/ledger.js';
import { ServiceUnavailableError } from '../faults/service-unavailable.js';
import { checkSftpSecrets } from '../sftp/secrets.js';
import { describeStorage } from '../storage/index.js';
import { backfillTaskQueue, billingShardsTaskQueue } from '../workflow-safe/keys.js';
import { boundHeapGrowth } from './heap-growth.js';
import { openWorkerResources } from './resources.js';
import { workflowBundleFor } from './prebuilt-bundle.js';
import { connectClient, connectWorkerConnection } from './temporal-connection.js';
import { installTemporalRuntime } from './temporal-runtime.js';

export interface CreateWorkersOptions {
  readonly connection: NativeConnection;
  readonly client: Client;
  readonly namespace: string;
  /** The main queue; backfill children get their own queue, polled by a second worker. */
  readonly taskQueue: string;
  readonly deps: ActivityDeps;
  readonly workflowBundle: WorkflowBundleOption;
  /** Times the stage activities when given. */
  readonly metrics?: CourantMetrics;
  /** Traces the activities and receives the workflows' spans when given (the bundle must hold its workflowModules). */
  readonly tracing?: Tracing;
  /** Writes what each activity costs when given. */
  readonly costLedger?: CostLedger;
  /** Activities each worker runs at once (default: the SDK's, 100). */
  readonly activitySlots?: number;
}

/**
 * One worker on the main task queue and one on its backfill queue, with the same activities, and
 * one that takes the shards of a month's billing one at a time (no workflows).
 */
export async function createWorkers(options: CreateWorkersOptions): Promise<Worker[]> {
  const activities = createActivities(options.deps, options.client);
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    activities,
    interceptors: {
      activity: [
        ...(options.tracing ? [options.tracing.activityInterceptor] : []),
        ...(options.metrics ? [stageMetricsInterceptor(options.metrics)] : []),
        ...(options.costLedger ? [options.costLedger.interceptor] : []),
      ],
    },
  };
  return Promise.all([
    ...[options.taskQueue, backfillTaskQueue(options.taskQueue)].map((taskQueue) =>
      Worker.create({
        ...common,
        taskQueue,
        workflowBundle: options.workflowBundle,
        ...(options.activitySlots ? { maxConcurrentActivityTaskExecutions: options.activitySlots } : {}),
        ...(options.tracing ? { sinks: options.tracing.sinks } : {}),
      }),
    ),
    Worker.create({
      ...common,
      taskQueue: billingShardsTaskQueue(options.taskQueue),
      maxConcurrentActivityTaskExecutions: 1,
    }),
  ]);
}

/**
 * Runs workers until every one has stopped (SIGINT/SIGTERM are handled by the Temporal Runtime),
 * or until `until` settles; a worker that fails stops the others and its error is raised.
 */
export async function runWorkersUntil<T>(workers: readonly Worker[], until?: () => Promise<T>): Promise<T | undefined> {
  const running = Promise.all(workers.map((w) => w.run()));
  if (!until) {
    await running;
    return undefined;
  }
  try {
    return await Promise.race([until(), running.then(() => undefined)]);
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
  }
}

export interface RunWorkerOptions {
  /** Settles to stop the worker (tests, `courant demo`); without it, SIGINT/SIGTERM stop it. */
  readonly until?: () => Promise<unknown>;
  /** Keep retrying, with backoff, while Temporal or a store cannot be reached at start (else fail at once). */
  readonly waitForServices?: boolean;
}

interface Started {
  readonly workers: Worker[];
  close(): Promise<void>;
}

/**
 * Opens the stores, connects to Temporal and creates the workers; closes what it opened if a step
 * fails. The Temporal Runtime is installed only once the stores are open: a Runtime with nothing
 * connected would keep the process alive after a failed start.
 */
async function startWorkers(
  config: Config,
  catalog: DatasetCatalog,
  logger: Logger,
  observed: WorkerMetrics | null,
  tracing: Tracing | null,
): Promise<Started> {
  const resources = await openWorkerResources(config, logger, observed?.metrics, catalog);
  let connection: NativeConnection | undefined;
  let client: Awaited<ReturnType<typeof connectClient>> | undefined;
  const close = async () => {
    await client?.close();
    await connection?.close();
    await resources.close();
  };
  try {
    const workflowBundle = await workflowBundleFor(config.workflowBundleDir, tracing);
    if ('codePath' in workflowBundle)
      logger.info({ codePath: workflowBundle.codePath }, 'running the workflow bundle built ahead');
    installTemporalRuntime(logger, observed?.sdkAddress);
    connection = await connectWorkerConnection(config);
    client = await connectClient(config, { tracing });
    const workers = await createWorkers({
      connection,
      client: client.client,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: resources.deps,
      workflowBundle,
      ...(observed ? { metrics: observed.metrics } : {}),
      ...(tracing ? { tracing } : {}),
      ...(config.costLedgerFile ? { costLedger: fileCostLedger(config.costLedgerFile) } : {}),
    });
    await rebillMonthsOfOtherRates(resources.deps, client.client, config.temporal.taskQueue, logger);
    return { workers, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Asks the billed months priced with other rates than this release's to bill again
 * (`requestRatesRebilling`). A failure is logged and the worker starts all the same: its months are
 * asked again at the next start, and billing itself names a rates file at fault.
 */
async function rebillMonthsOfOtherRates(deps: ActivityDeps, client: Client, taskQueue: string, logger: Logger) {
  try {
    const months = await requestRatesRebilling(deps, client, taskQueue, loadRates());
    if (months.length > 0) logger.info({ months }, 'the rates changed: these billed months are billed again');
  } catch (error) {
    logger.error({ err: error }, 'could not ask the months billed with other rates to bill again');
  }
}

const RETRY_START_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** Aborts when the process is asked to stop, while no Temporal worker is there to handle the signal yet. */
function stopSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

/**
 * startWorkers, retried with backoff on ServiceUnavailableError when asked to wait for the
 * services; undefined when SIGINT/SIGTERM arrives while waiting.
 */
async function startWhenReachable(
  config: Config,
  catalog: DatasetCatalog,
  logger: Logger,
  waitForServices: boolean,
  observed: WorkerMetrics | null,
  tracing: Tracing | null,
): Promise<Started | undefined> {
  const stop = stopSignal();
  try {
    for (let delay = RETRY_START_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        return await startWorkers(config, catalog, logger, observed, tracing);
      } catch (error) {
        if (!(error instanceof ServiceUnavailableError)) throw error;
        const { service, address, variable } = error;
        if (!waitForServices) {
          logger.error({ service, address, variable, err: error }, error.message);
          throw error;
        }
        logger.warn({ service, address, variable, retryInMs: delay }, `${error.message}; retrying`);
        const stopped = await setTimeout(delay, false, { signal: stop.signal }).catch(() => true);
        if (stopped || stop.signal.aborted) return undefined;
      }
    }
  } finally {
    stop.dispose();
  }
}

/**
 * Runs the workers until SIGINT/SIGTERM, or until `until` settles when given, then closes every
 * client. Refuses to start when a local directory cannot be written or a service cannot be reached
 * (unless told to wait for the services), when METRICS_ADDRESS is set and already in use, or when
 * an SFTP server's secret file cannot be read or its private key does not parse (a ConfigError
 * naming the variable).
 * With OTEL_EXPORTER_OTLP_ENDPOINT, traces its workflows and activities (flushed when it stops).
 * Bounds the process's heap growth first (WORKER_HEAP_GROWTH_PERCENT).
 */
export async function runWorker(config: Config, logger: Logger, options: RunWorkerOptions = {}): Promise<void> {
  logger.debug({ v8Flag: boundHeapGrowth(config.workerHeapGrowthPercent) }, 'heap growth set');
  await checkSftpSecrets(config.sftp);
  logger.info(describeStorage(config), 'storage environment detected');
  const catalog = registeredCatalog(config.datasets);
  const observed = await startWorkerMetrics(config, catalog, logger);
  const tracing = startTracing(config, logger, { role: 'worker' });
  try {
    await runStartedWorkers(config, catalog, logger, options, observed, tracing);
  } finally {
    await tracing?.shutdown();
    await observed?.close();
  }
}

async function runStartedWorkers(
  config: Config,
  catalog: DatasetCatalog,
  logger: Logger,
  options: RunWorkerOptions,
  observed: WorkerMetrics | null,
  tracing: Tracing | null,
): Promise<void> {
  const started = await startWhenReachable(
    config,
    catalog,
    logger,
    options.waitForServices ?? false,
    observed,
    tracing,
  );
  if (!started) {
    logger.info('worker stopped before the services could be reached');
    return;
  }
  try {
    logger.info(
      {
        temporal: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueues: [
          config.temporal.taskQueue,
          backfillTaskQueue(config.temporal.taskQueue),
          billingShardsTaskQueue(config.temporal.taskQueue),
        ],
      },
      'worker is running',
    );
    await runWorkersUntil(started.workers, options.until);
    logger.info('worker stopped');
  } finally {
    await started.close();
  }
}
