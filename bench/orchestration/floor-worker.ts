/**
 * A worker that runs courant's workflows as `courant worker` does (the bundle built ahead, a worker
 * on the task queue and one on its backfill queue, the SDK's defaults) with activities that only
 * answer (floor-activities.ts): what a day costs Temporal and the workflows, the work left out.
 * Usage: floor-worker.ts --address HOST:PORT --task-queue Q --bundle FILE; prints a line once
 * running, stops on SIGTERM.
 */
import { parseArgs } from 'node:util';
import { NativeConnection, Runtime, Worker, DefaultLogger, makeTelemetryFilterString } from '@temporalio/worker';
import { backfillTaskQueue } from '../../src/workflow-safe/keys.js';
import { FLOOR_WORKER_RUNNING, floorActivities } from './floor-activities.js';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    'task-queue': { type: 'string' },
    bundle: { type: 'string' },
  },
});
const { address, bundle } = values;
const taskQueue = values['task-queue'];
if (!address || !taskQueue || !bundle)
  throw new Error('usage: floor-worker.ts --address A --task-queue Q --bundle FILE');

Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) } },
});
const connection = await NativeConnection.connect({ address });
const activities = floorActivities();
const workers = await Promise.all(
  [taskQueue, backfillTaskQueue(taskQueue)].map((queue) =>
    Worker.create({
      connection,
      namespace: 'default',
      taskQueue: queue,
      workflowBundle: { codePath: bundle },
      activities,
    }),
  ),
);
const running = Promise.all(workers.map((worker) => worker.run()));
console.log(FLOOR_WORKER_RUNNING);
await running;
await connection.close();
