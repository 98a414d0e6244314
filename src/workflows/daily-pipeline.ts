import {
  ApplicationFailure,
  executeChild,
  log,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { localActivityOptions } from './activity-options.js';
import type { DatasetOutcome } from '../activities/report.js';
import { BILLING_DATASET } from '../workflow-safe/billing.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { checkDailyPipelineInput } from '../workflow-safe/inputs.js';
import { checkedInput } from './checked-input.js';
import { workflowIds } from '../workflow-safe/keys.js';
import { partitionDateAttribute } from '../workflow-safe/partition.js';
import { monthOf } from '../workflow-safe/periods.js';
import { runPartition } from '../workflow-safe/run-partition.js';
import type { DailyPipelineInput, DailyPipelineOutput, DatasetDayOutput } from '../workflow-safe/pipeline.js';
import {
  BackfillId,
  PartitionDate,
  PipelineStageAttribute,
  RunKindAttribute,
  dayAttributes,
} from '../workflow-safe/search-attributes.js';
import { datasetDay } from './dataset-day.js';
import { describeFailure } from './failure-messages.js';
import { localRecordKeeping } from './local-activities.js';

/**
 * The report in the workflow task that sees the datasets end (a local activity): it reads records
 * and writes a few small objects, so it needs no task of its own — one workflow task and one
 * activity task less per day. Retried with a timer between attempts after the first minute.
 */
const reportInTask = proxyLocalActivities<Activities>(localActivityOptions('dayReportInTask'));

/** Listing the day's datasets and asking for the month's report: in the workflow task, no round trip. */
const local = localRecordKeeping;

/** The attributes of `wanted` this run does not carry yet (only those are upserted). */
function missingAttributes(wanted: readonly SearchAttributePair[]): SearchAttributePair[] {
  const carried = workflowInfo().typedSearchAttributes;
  return wanted.filter((pair) => {
    const value: unknown = carried.get(pair.key);
    return value instanceof Date && pair.value instanceof Date
      ? value.getTime() !== pair.value.getTime()
      : value !== pair.value;
  });
}

/** The input with its day resolved: explicit date, else this run's attributes; fails rather than guesses. */
function checkedDayInput(raw: unknown) {
  const given = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return checkedInput(checkDailyPipelineInput, { runKind: 'manual', ...given, date: runPartition(given.date) });
}

/**
 * dailyPipeline: one Paris day. Runs a `datasetDay` child per dataset (`day/{dataset}/{date}`),
 * then writes the daily report across datasets — including the datasets that failed, so that
 * nothing is silently missing — and asks for its month's report to be rebuilt (`report/month=…`);
 * when the billing dataset's day succeeded, asks the months already billed that read it to bill
 * again (`billing/{YYYY-MM}`).
 * With an `importRef`, that dataset's rows come from the imported file. Workflow ID
 * `daily/{date}`. Safe to re-run. The day comes from the input, else from the run's PartitionDate
 * attribute, else from its schedule time (never "now").
 * Fails, naming each failed dataset and what to do, when any dataset failed.
 */
export async function dailyPipeline(rawInput: Partial<DailyPipelineInput>): Promise<DailyPipelineOutput> {
  const input = checkedDayInput(rawInput);
  const { date, runKind } = input;
  const datasets = input.datasets ?? (await local.dailyDatasets({ date }));
  const attributes: SearchAttributePair[] = [
    { key: PartitionDate, value: partitionDateAttribute(date) },
    { key: RunKindAttribute, value: runKind },
    { key: PipelineStageAttribute, value: 'download' },
    ...(input.backfillId ? [{ key: BackfillId, value: input.backfillId }] : []),
  ];
  const toUpsert = missingAttributes(attributes);
  if (toUpsert.length > 0) upsertSearchAttributes(toUpsert);

  const outcomes: DatasetOutcome[] = await Promise.all(
    datasets.map(async (dataset): Promise<DatasetOutcome> => {
      try {
        const output: DatasetDayOutput = await executeChild(datasetDay, {
          workflowId: workflowIds.datasetDay(dataset, date),
          args: [
            {
              dataset,
              date,
              runKind,
              ...(input.backfillId ? { backfillId: input.backfillId } : {}),
              ...(input.importRef?.dataset === dataset ? { importRef: input.importRef } : {}),
              ...(input.acceptChecks ? { acceptChecks: input.acceptChecks } : {}),
            },
          ],
          typedSearchAttributes: dayAttributes({ date, runKind, backfillId: input.backfillId, dataset }),
        });
        return { dataset, status: 'succeeded', output };
      } catch (error) {
        return { dataset, status: 'failed', error: describeFailure(error).message };
      }
    }),
  );

  upsertSearchAttributes([{ key: PipelineStageAttribute, value: 'report' }]);
  const reportKeys = await reportInTask.buildDailyReport({ date, outcomes });
  if (!input.deferMonthReport) await local.requestReport({ period: monthOf(date) });
  const billingDay = outcomes.some((o) => o.dataset === BILLING_DATASET && o.status === 'succeeded');
  // The months already billed that read the day bill again (a late flow, a correction).
  if (billingDay) await local.requestLateBilling({ date });

  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `${date}: ${failed.length} of ${outcomes.length} datasets failed (report written to ${reportKeys[0]}). ` +
        failed.map((f) => f.error).join(' | '),
      ErrorType.DatasetsFailed,
    );
  }
  upsertSearchAttributes([{ key: PipelineStageAttribute, value: 'done' }]);
  log.info('day succeeded', { date, workflowId: workflowInfo().workflowId });
  return {
    date,
    datasets: outcomes.flatMap((o) => (o.output ? [o.output] : [])),
    reportKeys,
  };
}
