/** Worker bootstrap: clients built once, activities injected, clean shutdown on SIGINT/SIGTERM. */
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { Config } from '../config/index.js';
import { describeStorage } from '../storage/index.js';
import { backfillTaskQueue } from '../shared/keys.js';
import { bundleWorkflows } from './bundle.js';
import { openWorkerResources } from './resources.js';
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
}

/** One worker on the main task queue and one on its backfill queue, with the same activities. */
export async function createWorkers(options: CreateWorkersOptions): Promise<Worker[]> {
  const activities = createActivities(options.deps, options.client);
  return Promise.all(
    [options.taskQueue, backfillTaskQueue(options.taskQueue)].map((taskQueue) =>
      Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue,
        workflowBundle: options.workflowBundle,
        activities,
      }),
    ),
  );
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

/**
 * Runs the workers until SIGINT/SIGTERM, or until `until` settles when given, then closes every
 * client.
 */
export async function runWorker<T = void>(
  config: Config,
  logger: Logger,
  until?: () => Promise<T>,
): Promise<T | undefined> {
  installTemporalRuntime(logger);
  logger.info(describeStorage(config), 'storage environment detected');
  const resources = await openWorkerResources(config, logger);
  let connection: NativeConnection | undefined;
  let client: Awaited<ReturnType<typeof connectClient>> | undefined;
  try {
    const workflowBundle = await bundleWorkflows();
    connection = await connectWorkerConnection(config);
    client = await connectClient(config);
    const workers = await createWorkers({
      connection,
      client: client.client,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: resources.deps,
      workflowBundle,
    });
    logger.info(
      {
        temporal: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueues: [config.temporal.taskQueue, backfillTaskQueue(config.temporal.taskQueue)],
      },
      'worker is running',
    );
    const result = await runWorkersUntil(workers, until);
    logger.info('worker stopped');
    return result;
  } finally {
    await client?.close();
    await connection?.close();
    await resources.close();
  }
}
