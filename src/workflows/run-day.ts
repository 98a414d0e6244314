/** Runs `daily/{date}` as a child, or waits for the run already in flight: never two runs of a day. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../workflow-safe/errors.js';
import type { ImportRef } from '../workflow-safe/imports.js';
import { workflowIds } from '../workflow-safe/keys.js';
import type { DailyPipelineOutput, RunKind } from '../workflow-safe/pipeline.js';
import { dayAttributes } from '../workflow-safe/search-attributes.js';
import { dailyPipeline } from './daily-pipeline.js';

/** Waiting for another run of the day: as long as a day may take, heartbeating. */
const attach = proxyActivities<Activities>({
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, ErrorType.DayFailed],
  },
});

export interface RunDayOptions {
  readonly date: string;
  readonly runKind: RunKind;
  readonly datasets?: readonly DatasetName[];
  readonly backfillId?: string;
  readonly taskQueue?: string;
  /** The day's rows come from this imported file (`courant import`). */
  readonly importRef?: ImportRef;
  /** The caller asks for the month's report itself (a backfill, once per batch of days). */
  readonly deferMonthReport?: boolean;
}

export async function runDay(options: RunDayOptions): Promise<DailyPipelineOutput> {
  const { date, runKind, backfillId } = options;
  try {
    return await executeChild(dailyPipeline, {
      workflowId: workflowIds.daily(date),
      ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
      args: [
        {
          date,
          runKind,
          ...(options.datasets ? { datasets: options.datasets } : {}),
          ...(backfillId ? { backfillId } : {}),
          ...(options.importRef ? { importRef: options.importRef } : {}),
          ...(options.deferMonthReport ? { deferMonthReport: true } : {}),
        },
      ],
      typedSearchAttributes: dayAttributes({ date, runKind, backfillId }),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return attach.waitForDay({ date });
    throw error;
  }
}
