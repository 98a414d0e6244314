/** Starting a day from outside Temporal: one workflow ID per day, attaching to a running one. */
import type { DailyPipelineWorkflow } from '../workflow-safe/workflow-types.js';
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { workflowIds } from '../workflow-safe/keys.js';
import type { RunKind } from '../workflow-safe/pipeline.js';
import { dayAttributes } from '../workflow-safe/search-attributes.js';

export interface StartDayOptions {
  readonly date: string;
  readonly datasets?: readonly DatasetName[];
  readonly runKind: RunKind;
  readonly backfillId?: string;
  /** Failed `block` checks accepted knowingly for this run. */
  readonly acceptChecks?: readonly string[];
  readonly taskQueue: string;
}

/**
 * Starts `daily/{date}`, or returns the handle of the run already in flight (never two at once).
 * A finished day may be started again: re-runs are safe.
 */
export async function startDay(
  client: Client,
  options: StartDayOptions,
): Promise<WorkflowHandleWithFirstExecutionRunId<DailyPipelineWorkflow>> {
  return client.workflow.start<DailyPipelineWorkflow>('dailyPipeline', {
    workflowId: workflowIds.daily(options.date),
    taskQueue: options.taskQueue,
    args: [
      {
        date: options.date,
        runKind: options.runKind,
        ...(options.datasets ? { datasets: options.datasets } : {}),
        ...(options.backfillId ? { backfillId: options.backfillId } : {}),
        ...(options.acceptChecks?.length ? { acceptChecks: options.acceptChecks } : {}),
      },
    ],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: dayAttributes(options),
  });
}
