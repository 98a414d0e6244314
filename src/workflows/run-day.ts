/**
 * Runs `daily/{date}` as a child, never two runs of a day at once: a run already in flight either
 * stands for this one (it is waited for), or, for a caller whose inputs it may not hold, is waited
 * for and the day then runs again.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { ErrorType } from '../workflow-safe/errors.js';
import type { ImportRef } from '../workflow-safe/imports.js';
import { workflowIds } from '../workflow-safe/keys.js';
import type { DailyPipelineOutput, RunKind } from '../workflow-safe/pipeline.js';
import { dayAttributes } from '../workflow-safe/search-attributes.js';
import { dailyPipeline } from './daily-pipeline.js';
import { describeFailure } from './failure-messages.js';
import { localRecordKeeping } from './local-activities.js';

/** Waiting for another run of the day: as long as a day may take, heartbeating. */
const attach = proxyActivities<Activities>(activityOptions('dayAttach'));
/** Asking whether a run of the day is still open, or how it ended: one quick read of the server. */
const quick = proxyActivities<Activities>(activityOptions('dayRunState'));

/** The pause between two looks at a run in flight: doubling from 1 s up to 30 s. */
const FIRST_LOOK_MS = 1_000;
const LAST_LOOK_MS = 30_000;

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
  /**
   * What a run of the day already in flight means: `attach` (default), it stands for this run;
   * `run-after`, it may have gathered its inputs before the caller's (a file just claimed into the
   * day, or other datasets), so the day runs again once it ends, however it ended.
   */
  readonly inFlight?: 'attach' | 'run-after';
  /**
   * With `run-after`: wait until no run of the day is open, looking at it between timers, rather
   * than for the run in flight's result (which, before patch `days-waited-in-workflow`, a
   * `waitForDay` activity awaited, holding a worker's activity slot as long as the run lasted).
   */
  readonly waitInWorkflow?: boolean;
  /**
   * The run in flight's outcome is looked at with activity tasks, not local activities: a caller
   * that awaits other work meanwhile (other days, ranges, timers) must, as local activities' results
   * may come back in another order or another workflow task on replay than they did live.
   */
  readonly outcomeByActivity?: boolean;
}

/**
 * Patch: a run of the day in flight is waited for in the workflow, looked at between growing
 * pauses (runs started before: a `waitForDay` activity waited, holding a worker's activity slot
 * for as long as the day ran).
 */
export const DAYS_WAITED_IN_WORKFLOW = 'days-waited-in-workflow';

/** Waits until no run of `daily/{date}` is open, looking at it between growing pauses. */
async function untilNoRunOf(date: string): Promise<void> {
  for (let pause = FIRST_LOOK_MS; await quick.dayRunOpen({ date }); pause = Math.min(pause * 2, LAST_LOOK_MS))
    await sleep(pause);
}

/**
 * The result of the run of `daily/{date}` in flight once it ends (a failed day: DayFailed), looked
 * at between growing pauses (patch {@link DAYS_WAITED_IN_WORKFLOW}, which `outcomeByActivity`
 * implies), or before the patch waited for by an activity.
 */
async function resultOfRunInFlight(date: string, outcomeByActivity: boolean): Promise<DailyPipelineOutput> {
  if (!outcomeByActivity && !patched(DAYS_WAITED_IN_WORKFLOW)) return attach.waitForDay({ date });
  const look = outcomeByActivity ? quick : localRecordKeeping;
  for (let pause = FIRST_LOOK_MS; ; pause = Math.min(pause * 2, LAST_LOOK_MS)) {
    const result = await look.dayOutcome({ date });
    if (result !== null) return result;
    await sleep(pause);
  }
}

export async function runDay(options: RunDayOptions): Promise<DailyPipelineOutput> {
  const { date, runKind, backfillId } = options;
  for (;;) {
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
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (options.inFlight !== 'run-after') return resultOfRunInFlight(date, options.outcomeByActivity === true);
      if (options.waitInWorkflow) {
        await untilNoRunOf(date);
        continue;
      }
      try {
        await resultOfRunInFlight(date, options.outcomeByActivity === true);
      } catch (failure) {
        // The run in flight failing is its own outcome: this run still goes ahead with its inputs.
        if (describeFailure(failure).type !== ErrorType.DayFailed) throw failure;
      }
    }
  }
}
