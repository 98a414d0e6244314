/**
 * Runs `daily/{date}` as a child, never two runs of a day at once: a run already in flight either
 * stands for this one (it is waited for), or, for a caller whose inputs it may not hold, is waited
 * for and the day then runs again.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { ImportRef } from '../workflow-safe/imports.js';
import { workflowIds } from '../workflow-safe/keys.js';
import type { DailyPipelineOutput, RunKind } from '../workflow-safe/pipeline.js';
import { dayAttributes } from '../workflow-safe/search-attributes.js';
import { dailyPipeline } from './daily-pipeline.js';
import { localRecordKeeping } from './local-activities.js';

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
   * day, or other datasets), so the day runs again once no run of it is open, however it ended.
   */
  readonly inFlight?: 'attach' | 'run-after';
  /**
   * The run in flight's outcome is looked at with activity tasks, not local activities: a caller
   * that awaits other work meanwhile (other days, ranges, timers) must, as local activities' results
   * may come back in another order or another workflow task on replay than they did live.
   */
  readonly outcomeByActivity?: boolean;
}

/** Waits until no run of `daily/{date}` is open, looking at it between growing pauses. */
async function untilNoRunOf(date: string): Promise<void> {
  for (let pause = FIRST_LOOK_MS; await quick.dayRunOpen({ date }); pause = Math.min(pause * 2, LAST_LOOK_MS))
    await sleep(pause);
}

/**
 * The result of the run of `daily/{date}` in flight once it ends (a failed day: DayFailed), looked
 * at between growing pauses, by activity tasks when `outcomeByActivity`, else local activities.
 */
async function resultOfRunInFlight(date: string, outcomeByActivity: boolean): Promise<DailyPipelineOutput> {
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
      await untilNoRunOf(date);
    }
  }
}
