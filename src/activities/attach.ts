/** Attach activities: wait for, or look at, a run of a day that something else started. */
import type { DailyPipelineWorkflow, RangeRunWorkflow } from '../workflow-safe/workflow-types.js';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../workflow-safe/errors.js';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { isRangeWorkflowId, workflowIds } from '../workflow-safe/keys.js';
import type { DayRun, RecordStore } from '../storage/records.js';
import type { DailyPipelineOutput } from '../workflow-safe/pipeline.js';
import type { RangeDayOutcome } from '../workflow-safe/ranges.js';

export interface WaitForDayInput {
  readonly date: string;
}

export interface WaitForRangeInput {
  /** The ranged run's workflow ID, `range/{dataset}/{from}..{to}`. */
  readonly workflowId: string;
  readonly dates: readonly string[];
}

export interface DayOfDatasetInput {
  readonly dataset: string;
  readonly date: string;
}

export function createAttachActivities(client: Client, records: RecordStore) {
  /**
   * The result of the run of `daily/{date}`, once it has ended. A failed day fails non-retryably
   * with the day's own message (type DayFailed).
   */
  async function dayResult(input: WaitForDayInput): Promise<DailyPipelineOutput> {
    try {
      const handle = client.workflow.getHandle<DailyPipelineWorkflow>(workflowIds.daily(input.date));
      return await handle.result();
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        throw ApplicationFailure.create({
          type: ErrorType.DayFailed,
          nonRetryable: true,
          message: error.cause?.message ?? error.message,
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * The result of the run of `daily/{date}` in flight once it has ended, null while it runs; a
   * failed day fails as {@link dayResult} says (DayFailed, non-retryable). Returns at once: the
   * workflow looks again later, so no activity slot waits on the day. A read; safe to repeat.
   */
  async function dayOutcome(input: WaitForDayInput): Promise<DailyPipelineOutput | null> {
    if (await dayRunOpen(input)) return null;
    return dayResult(input);
  }

  /** Whether a run of `daily/{date}` is open now (none ever started: false). A read; safe to repeat. */
  async function dayRunOpen(input: WaitForDayInput): Promise<boolean> {
    try {
      const { status } = await client.workflow.getHandle(workflowIds.daily(input.date)).describe();
      return status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /**
   * The outcome the ranged run `workflowId` gave each of `dates`, once it has ended; a range that
   * ended without outcomes (terminated, cancelled) gave none.
   */
  async function rangeResult(input: WaitForRangeInput): Promise<RangeDayOutcome[]> {
    try {
      const { days } = await client.workflow.getHandle<RangeRunWorkflow>(input.workflowId).result();
      const wanted = new Set(input.dates);
      return days.filter((day) => wanted.has(day.date));
    } catch (error) {
      if (error instanceof WorkflowFailedError) return [];
      throw error;
    }
  }

  /**
   * The outcome the ranged run `workflowId` gave each of `dates` once it has ended, null while it
   * runs; a range that ended without outcomes (terminated, cancelled) or that is not there gave
   * none. Returns at once: the backfill looks again later, so no activity slot waits on the range.
   */
  async function rangeOutcome(input: WaitForRangeInput): Promise<RangeDayOutcome[] | null> {
    const handle = client.workflow.getHandle<RangeRunWorkflow>(input.workflowId);
    try {
      if ((await handle.describe()).status.name === 'RUNNING') return null;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return [];
      throw error;
    }
    return rangeResult(input);
  }

  /**
   * The ranged run that holds the dataset's day now: its workflow ID when the day's record is open
   * (running) for a `range/…` run that is still running, null otherwise (a range that ended without
   * closing the record holds nothing). A read; safe to repeat.
   */
  async function rangeHoldingDay(input: DayOfDatasetInput): Promise<string | null> {
    return liveRangeHolding(client, await records.getDayRun(input.dataset, input.date));
  }

  return { dayOutcome, dayRunOpen, rangeOutcome, rangeHoldingDay };
}

/** The ranged run holding a day by its `record` (running, a range's) when that run still runs; else null. */
export async function liveRangeHolding(
  client: Client,
  record: Pick<DayRun, 'status' | 'workflowId' | 'runId'> | null,
): Promise<string | null> {
  if (record?.status !== 'running' || !isRangeWorkflowId(record.workflowId)) return null;
  try {
    const { status } = await client.workflow.getHandle(record.workflowId, record.runId).describe();
    return status.name === 'RUNNING' ? record.workflowId : null;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}
