import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RecordedTransformDayOutput } from '../activities/transform.js';
import type { InputFile } from '../shared/day-records.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../shared/errors.js';
import { checkDatasetDayInput } from '../shared/inputs.js';
import { checkedInput } from './checked-input.js';
import { blockingChecks, describeCheck, type CheckResult } from '../shared/quality.js';
import {
  DATASET_MODULES_PATCH,
  LEAN_DAY_PATCH,
  QUALITY_CHECKS_PATCH,
  type DatasetDayInput,
  type DatasetDayOutput,
  type PipelineStage,
} from '../shared/pipeline.js';
import { PipelineStageAttribute } from '../shared/search-attributes.js';
import { describeFailure, operatorMessage } from './failure-messages.js';
import { localRecordKeeping } from './local-activities.js';

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

/** Record keeping: short, retried for about five minutes while the database does not answer. */
const quick = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 15,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

/** Record keeping and planning: in the workflow task, no round trip. */
const local = localRecordKeeping;

/** The sources every day downloaded before days were planned (those of the one dataset there was). */
const SOURCES_BEFORE_PLANS = ['realtime', 'consolidated'] as const;

/**
 * The raw files of the day: downloaded, taken from an imported file, or already stored (drops,
 * snapshots). A lean run plans locally and downloads all its sources in one task.
 */
async function gatherInputs(input: DatasetDayInput, lean: boolean): Promise<InputFile[]> {
  const { dataset, date, importRef } = input;
  const plan = lean
    ? await local.planDay({ dataset, date })
    : patched(DATASET_MODULES_PATCH)
      ? await quick.planDay({ dataset, date })
      : null;
  if (importRef) {
    const sources = plan ? plan.downloads.map((d) => d.source) : SOURCES_BEFORE_PLANS;
    const imported = await Promise.all(sources.map((source) => io.importSource({ dataset, date, source, importRef })));
    return imported.filter((file): file is InputFile => file !== null);
  }
  if (!plan) return Promise.all(SOURCES_BEFORE_PLANS.map((source) => io.downloadSource({ dataset, date, source })));
  if (lean) {
    const downloads = plan.downloads;
    const downloaded = downloads.length > 0 ? await io.downloadSources({ dataset, date, downloads }) : [];
    return [...downloaded, ...plan.files];
  }
  const downloaded = await Promise.all(plan.downloads.map((d) => io.downloadSource({ dataset, date, ...d })));
  return [...downloaded, ...plan.files];
}

/** The failure of a day whose `block` checks failed: each named with its value, limit and file. */
function dataQualityFailure(dataset: string, date: string, blocking: readonly CheckResult[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: ErrorType.DataQuality,
    nonRetryable: true,
    message:
      `${blocking.length} blocking quality check(s) failed: ${blocking.map(describeCheck).join('; ')}. ` +
      `Its downloads are kept under quarantine/${dataset}/dt=${date}/blocked/ and fetched again by a re-run: ` +
      `once the source is fixed, re-run the day; to keep the data as it is, accept knowingly with ` +
      `\`courant run --date ${date} --datasets ${dataset} ${blocking.map((c) => `--accept-check ${c.name}`).join(' ')}\``,
  });
}

/**
 * datasetDay: one dataset × one Paris day — plan its inputs, download the sources fetched after
 * the day (or take the files claimed or collected for it), transform them to Parquet, compute the
 * metrics (and, for a dataset that detects them, the day's anomalies), run the module's quality
 * checks (a failed `block` check not accepted by the operator fails the day, type DataQuality) —
 * with the `day_runs` record kept up to date. Workflow ID `day/{dataset}/{date}`.
 * With an `importRef`, the download step takes the day's rows from the imported file (and any raw
 * file already stored for a source the file lacks) instead of calling the source.
 * Safe to re-run: every step is idempotent. Fails (non-retryably, with what to do) on bad data
 * or when a step's retries are exhausted; the failure is recorded before the workflow fails.
 */
export async function datasetDay(rawInput: unknown): Promise<DatasetDayOutput> {
  const input = checkedInput(checkDatasetDayInput, rawInput);
  const { dataset, date } = input;
  const lean = patched(LEAN_DAY_PATCH);
  const records = lean ? local : quick;
  let stage: PipelineStage = 'download';
  const enter = (next: PipelineStage) => {
    stage = next;
    upsertSearchAttributes([{ key: PipelineStageAttribute, value: next }]);
  };
  let inputs: InputFile[] = [];
  let checks: readonly CheckResult[] | undefined;

  await records.startDayRun({ dataset, date, runKind: input.runKind });
  try {
    // A lean run started by its daily pipeline already carries the stage `download`.
    if (!lean || workflowInfo().typedSearchAttributes.get(PipelineStageAttribute) !== 'download') enter('download');
    inputs = await gatherInputs(input, lean);
    enter('transform');
    const transformed = (await io.transformDay({ dataset, date, inputs })) as RecordedTransformDayOutput;
    const processedKeys = transformed.processedKeys ?? [transformed.processedKey];
    enter('metrics');
    const metrics = await io.computeMetrics({ dataset, date, processedKeys });
    const outputs = [
      ...processedKeys,
      transformed.rejectsKey,
      metrics.metricsKey,
      ...(metrics.anomaliesKey ? [metrics.anomaliesKey] : []),
    ];
    if (lean || patched(QUALITY_CHECKS_PATCH)) {
      enter('quality');
      const quality = await io.checkQuality({
        dataset,
        date,
        processedKeys,
        accept: input.acceptChecks ?? [],
        rows: transformed.rows,
        inputs,
      });
      checks = quality.results;
      if (quality.checksKey) outputs.push(quality.checksKey);
      const blocking = blockingChecks(quality.results);
      if (blocking.length > 0) throw dataQualityFailure(dataset, date, blocking);
    }
    await records.finishDayRun({
      dataset,
      date,
      status: 'succeeded',
      stage: 'done',
      inputs,
      outputs,
      rows: transformed.rows,
      error: null,
      ...(checks ? { checks } : {}),
    });
    enter('done');
    log.info('dataset day succeeded', { dataset, date, ...transformed.rows });
    return {
      dataset,
      date,
      processedKeys,
      metricsKey: metrics.metricsKey,
      rows: transformed.rows,
      completeness: metrics.completeness,
      ...(checks ? { failedChecks: checks.filter((check) => !check.passed) } : {}),
    };
  } catch (error) {
    const recordFailure = (failure: { type: string; message: string }) =>
      records.finishDayRun({
        dataset,
        date,
        status: 'failed',
        stage,
        inputs,
        outputs: [],
        rows: null,
        error: failure,
        ...(checks ? { checks } : {}),
      });
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() =>
        recordFailure({ type: ErrorType.Cancelled, message: `cancelled during ${stage}` }),
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
