import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { InputFile } from '../storage/records.js';
import { DATASET_SOURCES } from '../shared/datasets.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errors.js';
import { checkDatasetDayInput, InvalidInputError } from '../shared/inputs.js';
import type { DatasetDayOutput, PipelineStage } from '../shared/pipeline.js';
import { PipelineStageAttribute } from '../shared/search-attributes.js';
import { describeFailure, operatorMessage } from './failure-messages.js';

/** Downloads and transforms: may be slow, retried with backoff on transient faults. */
const io = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

/** Record keeping: short, retried until the database answers. */
const quick = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

/**
 * datasetDay: one dataset × one Paris day — download every source, transform to Parquet, compute
 * metrics — with the `day_runs` record kept up to date. Workflow ID `day/{dataset}/{date}`.
 * With an `importRef`, the download step takes the day's rows from the imported file (and any raw
 * file already stored for a source the file lacks) instead of calling the API.
 * Safe to re-run: every step is idempotent. Fails (non-retryably, with what to do) on bad data
 * or when a step's retries are exhausted; the failure is recorded before the workflow fails.
 */
export async function datasetDay(rawInput: unknown): Promise<DatasetDayOutput> {
  let input;
  try {
    input = checkDatasetDayInput(rawInput);
  } catch (error) {
    if (error instanceof InvalidInputError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidInput');
    throw error;
  }
  const { dataset, date } = input;
  let stage: PipelineStage = 'download';
  const enter = (next: PipelineStage) => {
    stage = next;
    upsertSearchAttributes([{ key: PipelineStageAttribute, value: next }]);
  };
  let inputs: InputFile[] = [];

  await quick.startDayRun({ dataset, date, runKind: input.runKind });
  try {
    enter('download');
    const { importRef } = input;
    inputs = importRef
      ? (
          await Promise.all(
            DATASET_SOURCES[dataset].map((source) => io.importSource({ dataset, date, source, importRef })),
          )
        ).filter((file): file is InputFile => file !== null)
      : await Promise.all(DATASET_SOURCES[dataset].map((source) => io.downloadSource({ dataset, date, source })));
    enter('transform');
    const transformed = await io.transformDay({ dataset, date, inputs });
    enter('metrics');
    const metrics = await io.computeMetrics({ dataset, date, processedKey: transformed.processedKey });
    const outputs = [transformed.processedKey, transformed.rejectsKey, metrics.metricsKey];
    await quick.finishDayRun({
      dataset,
      date,
      status: 'succeeded',
      stage: 'done',
      inputs,
      outputs,
      rows: transformed.rows,
      error: null,
    });
    enter('done');
    log.info('dataset day succeeded', { dataset, date, ...transformed.rows });
    return {
      dataset,
      date,
      processedKeys: [transformed.processedKey],
      metricsKey: metrics.metricsKey,
      rows: transformed.rows,
      completeness: metrics.completeness,
    };
  } catch (error) {
    const recordFailure = (failure: { type: string; message: string }) =>
      quick.finishDayRun({ dataset, date, status: 'failed', stage, inputs, outputs: [], rows: null, error: failure });
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() =>
        recordFailure({ type: 'Cancelled', message: `cancelled during ${stage}` }),
      );
      throw error;
    }
    const failure = describeFailure(error);
    await recordFailure(failure);
    throw ApplicationFailure.create({
      type: failure.type,
      nonRetryable: true,
      message: operatorMessage({ dataset, date, stage, failure, workflowId: workflowInfo().workflowId }),
      cause: error instanceof Error ? error : undefined,
    });
  }
}
