import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { InputFile } from '../workflow-safe/day-records.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { checkDatasetDayInput } from '../workflow-safe/inputs.js';
import { checkedInput } from './checked-input.js';
import { blockingChecks, describeCheck, type CheckResult } from '../workflow-safe/quality.js';
import type { DatasetDayInput, DatasetDayOutput, PipelineStage } from '../workflow-safe/pipeline.js';
import { PipelineStageAttribute } from '../workflow-safe/search-attributes.js';
import { describeFailure, operatorMessage } from './failure-messages.js';
import { localRecordKeeping } from './local-activities.js';

/** Downloads and transforms: may be slow, retried with backoff on transient faults. */
const io = proxyActivities<Activities>(activityOptions('datasetStep'));

/** Record keeping and planning: in the workflow task, no round trip. */
const local = localRecordKeeping;

/** The pause between two looks at the range holding the day: doubling from 1 s up to 30 s. */
const FIRST_LOOK_MS = 1_000;
const LAST_LOOK_MS = 30_000;

/**
 * Waits until no ranged run holds the dataset's day, so that a day a backfill's range holds is
 * never run beside it: looked at between growing pauses until the range lets it go.
 */
async function untilNoRangeHolds(dataset: DatasetDayInput['dataset'], date: string): Promise<void> {
  let told = false;
  for (let pause = FIRST_LOOK_MS; ; pause = Math.min(pause * 2, LAST_LOOK_MS)) {
    const range = await local.rangeHoldingDay({ dataset, date });
    if (range === null) return;
    if (!told) log.info('the day is held by a ranged run: waiting for it', { dataset, date, range });
    told = true;
    await sleep(pause);
  }
}

/**
 * The raw files of the day: taken from an imported file, or downloaded (all its sources in one
 * task), beside the files already stored for it (drops, snapshots).
 */
async function gatherInputs(input: DatasetDayInput): Promise<InputFile[]> {
  const { dataset, date, importRef } = input;
  const plan = await local.planDay({ dataset, date });
  if (importRef) {
    const sources = plan.downloads.map((d) => d.source);
    const imported = await Promise.all(sources.map((source) => io.importSource({ dataset, date, source, importRef })));
    return imported.filter((file): file is InputFile => file !== null);
  }
  const downloads = plan.downloads;
  const downloaded = downloads.length > 0 ? await io.downloadSources({ dataset, date, downloads }) : [];
  return [...downloaded, ...plan.files];
}

/** The failure of a day whose `block` checks failed: each named with its value, limit and file. */
export function dataQualityFailure(
  dataset: string,
  date: string,
  blocking: readonly CheckResult[],
): ApplicationFailure {
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
 * with the `day_runs` record kept up to date. Workflow ID `day/{dataset}/{date}`. A day a backfill's
 * ranged run holds is waited for first: never two runs of it at once.
 * With an `importRef`, the download step takes the day's rows from the imported file (and any raw
 * file already stored for a source the file lacks) instead of calling the source.
 * Safe to re-run: every step is idempotent. Fails (non-retryably, with what to do) on bad data
 * or when a step's retries are exhausted; the failure is recorded before the workflow fails.
 */
export async function datasetDay(rawInput: unknown): Promise<DatasetDayOutput> {
  const input = checkedInput(checkDatasetDayInput, rawInput);
  const { dataset, date } = input;
  let stage: PipelineStage = 'download';
  const enter = (next: PipelineStage) => {
    stage = next;
    upsertSearchAttributes([{ key: PipelineStageAttribute, value: next }]);
  };
  let inputs: InputFile[] = [];
  let checks: readonly CheckResult[] | undefined;

  // The check and the take are two steps: a range taking the day between them refuses the take.
  // (A history of 0.2.0 recorded no answer: taken.)
  await untilNoRangeHolds(dataset, date);
  while ((await local.startDayRun({ dataset, date, runKind: input.runKind }))?.taken === false)
    await untilNoRangeHolds(dataset, date);
  try {
    // A run started by its daily pipeline already carries the stage `download`.
    if (workflowInfo().typedSearchAttributes.get(PipelineStageAttribute) !== 'download') enter('download');
    inputs = await gatherInputs(input);
    enter('transform');
    const transformed = await io.transformDay({ dataset, date, inputs });
    const { processedKeys } = transformed;
    enter('metrics');
    const metrics = await io.computeMetrics({ dataset, date, processedKeys });
    const outputs = [
      ...processedKeys,
      transformed.rejectsKey,
      metrics.metricsKey,
      ...(metrics.anomaliesKey ? [metrics.anomaliesKey] : []),
    ];
    const outputFiles = [...(transformed.files ?? []), ...(metrics.files ?? [])];
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
    outputFiles.push(...(quality.files ?? []));
    const blocking = blockingChecks(quality.results);
    if (blocking.length > 0) throw dataQualityFailure(dataset, date, blocking);
    await local.finishDayRun({
      dataset,
      date,
      status: 'succeeded',
      stage: 'done',
      inputs,
      outputs,
      outputFiles,
      rows: transformed.rows,
      error: null,
      checks,
    });
    enter('done');
    log.info('dataset day succeeded', { dataset, date, ...transformed.rows });
    return {
      dataset,
      date,
      processedKeys,
      metricsKey: metrics.metricsKey,
      rows: transformed.rows,
      rejectsKey: transformed.rejectsKey,
      completeness: metrics.completeness,
      failedChecks: checks.filter((check) => !check.passed),
    };
  } catch (error) {
    const recordFailure = (failure: { type: string; message: string }, status: 'failed' | 'cancelled' = 'failed') =>
      local.finishDayRun({
        dataset,
        date,
        status,
        stage,
        inputs,
        outputs: [],
        rows: null,
        error: failure,
        ...(checks ? { checks } : {}),
      });
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() =>
        recordFailure({ type: ErrorType.Cancelled, message: `cancelled during ${stage}` }, 'cancelled'),
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
