/** Worker bootstrap: clients built once, activities injected, clean shutdown on SIGINT/SIGTERM. */
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { Config } from '../config/index.js';
import { bundleWorkflows } from './bundle.js';
import { withoutCredentials } from './logger.js';
import { openWorkerResources } from './resources.js';
import { connectWorkerConnection } from './temporal-connection.js';
import { installTemporalRuntime } from './temporal-runtime.js';

export interface CreateWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly deps: ActivityDeps;
  readonly workflowBundle: WorkflowBundleOption;
}

export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: createActivities(options.deps),
  });
}

/**
 * Runs a worker until SIGINT/SIGTERM (handled by the Temporal Runtime), or until `until` settles
 * when given, then closes every client.
 */
export async function runWorker<T = void>(
  config: Config,
  logger: Logger,
  until?: () => Promise<T>,
): Promise<T | undefined> {
  installTemporalRuntime(logger);
  logger.info(
    {
      mode: config.storage.mode,
      reason: config.storage.modeReason,
      dataDir: config.storage.dataDir,
      database: withoutCredentials(config.storage.mongodbUrl),
    },
    'storage environment detected',
  );
  const resources = await openWorkerResources(config);
  let connection: NativeConnection | undefined;
  try {
    const workflowBundle = await bundleWorkflows();
    connection = await connectWorkerConnection(config);
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: resources.deps,
      workflowBundle,
    });
    logger.info(
      { temporal: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue },
      'worker is running',
    );
    if (!until) {
      await worker.run();
      logger.info('worker stopped');
      return undefined;
    }
    const result = await worker.runUntil(until);
    logger.info('worker stopped');
    return result;
  } finally {
    await connection?.close();
    await resources.close();
  }
}
