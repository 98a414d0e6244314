import {
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { FinishDayRunInput } from '../activities/day-runs.js';
import type { StartRangeDaysOutput } from '../activities/range-records.js';
import { activityOptions, localActivityOptions } from './activity-options.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { checkRangeRunInput } from '../workflow-safe/inputs.js';
import type { DatasetDayOutput, PipelineStage } from '../workflow-safe/pipeline.js';
import { blockingChecks } from '../workflow-safe/quality.js';
import type { DayFailure, DayStepResult, RangeDayOutcome, RangeRunOutput } from '../workflow-safe/ranges.js';
import { PipelineStageAttribute } from '../workflow-safe/search-attributes.js';
import { checkedInput } from './checked-input.js';
import { dataQualityFailure } from './dataset-day.js';
import { describeFailure } from './failure-messages.js';
import { localRecordKeeping } from './local-activities.js';

/** The stages over the whole range: minutes for many days, heartbeating, retried on transient faults. */
const stages = proxyActivities<Activities>(activityOptions('rangeStage'));
/** The days' reports in the workflow task that finishes the days' records, beside them. */
const reportsInTask = proxyLocalActivities<Activities>(localActivityOptions('dayReportInTask'));
const local = localRecordKeeping;

type DayState = Omit<FinishDayRunInput, 'dataset' | 'date'>;

/**
 * rangeRun: consecutive days of one dataset in one run (`range/{dataset}/{from}..{to}`), started by
 * a backfill. Each stage is one activity over the days still going: their downloads, one transform
 * pass, one metrics pass, every day's checks; then every day's record in one bulk write and,
 * beside it in the same workflow task, the daily report of each succeeded day. Each day's outputs and record are those its own
 * `daily/{date}` gives. A day whose data is at fault (bad data, a blocking check) ends failed on
 * its own and its neighbours go on; a stage failing for good (its retries spent) fails the days it
 * still held. A day another run holds running when the range starts is left to it (`elsewhere`),
 * so overlapping ranges run a shared day once. Never fails itself for a day: completes with each day's outcome, for the backfill to
 * run the failed ones through `daily/{date}`.
 */
export async function rangeRun(rawInput: unknown): Promise<RangeRunOutput> {
  const input = checkedInput(checkRangeRunInput, rawInput);
  const { dataset } = input;
  const state = new Map<string, DayState>(
    input.dates.map((date) => [
      date,
      { status: 'failed', stage: 'download', inputs: [], outputs: [], rows: null, error: null },
    ]),
  );
  const elsewhere = new Map<string, string>();
  const going = () => input.dates.filter((date) => !elsewhere.has(date) && state.get(date)?.error === null);
  const fail = (date: string, stage: PipelineStage, error: DayFailure, more: Partial<DayState> = {}) =>
    state.set(date, {
      ...(state.get(date) ?? { inputs: [] }),
      status: 'failed',
      ...more,
      stage,
      outputs: [],
      rows: null,
      error,
    });
  const enter = (next: PipelineStage) => upsertSearchAttributes([{ key: PipelineStageAttribute, value: next }]);
  /** Each day's result of a stage: its output, or its failure recorded. */
  const take = <T>(stage: PipelineStage, results: readonly DayStepResult<T>[]): Map<string, T> => {
    const ok = new Map<string, T>();
    for (const result of results)
      if ('failure' in result) fail(result.date, stage, result.failure);
      else ok.set(result.date, result.ok);
    return ok;
  };

  // A day another run holds is left to it (a history recorded before this answered nothing).
  const started: Partial<StartRangeDaysOutput> | undefined = await local.startRangeDays({
    dataset,
    dates: input.dates,
    runKind: input.runKind,
  });
  for (const day of started?.elsewhere ?? []) elsewhere.set(day.date, day.workflowId);
  const outputs: DatasetDayOutput[] = [];
  let stage: PipelineStage = 'download';
  try {
    const inputs = take(stage, await stages.downloadRangeDays({ dataset, dates: going() }));
    for (const [date, files] of inputs) state.set(date, { ...(state.get(date) as DayState), inputs: files });
    enter((stage = 'transform'));
    const transformed = take(
      stage,
      await stages.transformRangeDays({
        dataset,
        days: going().map((date) => ({ date, inputs: inputs.get(date) ?? [] })),
      }),
    );
    enter((stage = 'metrics'));
    const measured = take(
      stage,
      await stages.measureRangeDays({
        dataset,
        days: going().map((date) => ({ date, processedKeys: transformed.get(date)?.processedKeys ?? [] })),
      }),
    );
    enter((stage = 'quality'));
    const quality = take(
      stage,
      await stages.checkRangeDays({
        dataset,
        days: going().map((date) => {
          const t = transformed.get(date);
          return {
            date,
            processedKeys: t?.processedKeys ?? [],
            rows: t?.rows ?? { read: 0, written: 0, rejected: 0 },
            inputs: inputs.get(date) ?? [],
          };
        }),
      }),
    );
    for (const date of going()) {
      const t = transformed.get(date);
      const m = measured.get(date);
      const q = quality.get(date);
      if (!t || !m || !q) throw new Error(`the stages of ${dataset} ${date} gave no output`);
      const blocking = blockingChecks(q.results);
      if (blocking.length > 0) {
        const failure = dataQualityFailure(dataset, date, blocking);
        fail(
          date,
          'quality',
          { type: failure.type ?? ErrorType.DataQuality, message: failure.message },
          { checks: q.results },
        );
        continue;
      }
      state.set(date, {
        status: 'succeeded',
        stage: 'done',
        inputs: inputs.get(date) ?? [],
        outputs: [
          ...t.processedKeys,
          t.rejectsKey,
          m.metricsKey,
          ...(m.anomaliesKey ? [m.anomaliesKey] : []),
          ...(q.checksKey ? [q.checksKey] : []),
        ],
        outputFiles: [...(t.files ?? []), ...(m.files ?? []), ...(q.files ?? [])],
        rows: t.rows,
        error: null,
        checks: q.results,
      });
      outputs.push({
        dataset,
        date,
        processedKeys: t.processedKeys,
        metricsKey: m.metricsKey,
        rows: t.rows,
        rejectsKey: t.rejectsKey,
        completeness: m.completeness,
        failedChecks: q.results.filter((check) => !check.passed),
      });
    }
  } catch (error) {
    const cancelled = isCancellation(error);
    const failure = cancelled
      ? { type: ErrorType.Cancelled, message: `cancelled during ${stage}` }
      : describeFailure(error);
    for (const date of going()) fail(date, stage, failure, cancelled ? { status: 'cancelled' } : {});
    if (cancelled) {
      await CancellationScope.nonCancellable(() => finish());
      throw error;
    }
    log.warn('a stage of the range failed for good: its days failed', { dataset, stage, failure });
  }

  async function finish() {
    await local.finishRangeDays({
      dataset,
      days: input.dates
        .filter((date) => !elsewhere.has(date))
        .map((date) => ({ date, ...(state.get(date) as DayState) })),
    });
  }
  // Shown when the task is sent: with `done` for a short range; sooner for a long range's reports,
  // as local activities past 80 % of the task's timeout complete the task and ask for another.
  upsertSearchAttributes([{ key: PipelineStageAttribute, value: 'report' }]);
  // Both at once, then the first failure: neither is left running when the range fails.
  const ended = await Promise.allSettled([
    finish(),
    outputs.length > 0 ? reportsInTask.buildRangeReports({ days: outputs }) : Promise.resolve(),
  ]);
  for (const end of ended) if (end.status === 'rejected') throw end.reason;
  upsertSearchAttributes([{ key: PipelineStageAttribute, value: 'done' }]);
  const succeeded = new Map(outputs.map((output) => [output.date, output]));
  const days: RangeDayOutcome[] = input.dates.map((date) => {
    const day = state.get(date);
    const heldBy = elsewhere.get(date);
    if (heldBy !== undefined) return { date, status: 'elsewhere', heldBy };
    if (day?.status !== 'succeeded' && day?.error) return { date, status: 'failed', failure: day.error };
    const output = succeeded.get(date);
    return output
      ? {
          date,
          status: 'succeeded',
          rows: output.rows,
          ...(output.rejectsKey ? { rejectsKey: output.rejectsKey } : {}),
        }
      : { date, status: 'succeeded' };
  });
  log.info('range done', {
    dataset,
    from: input.dates[0],
    to: input.dates.at(-1),
    failed: days.filter((d) => d.status === 'failed').length,
  });
  return { days };
}
