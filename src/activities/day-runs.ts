/** Day-run activities: the `day_runs` record that outlives Temporal's retention (docs/architecture.md#records). */
import type { Client } from '@temporalio/client';
import { liveRangeHolding } from './attach.js';
import type { CheckResult } from '../workflow-safe/quality.js';
import { Context } from '@temporalio/activity';
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { PipelineStage, RunKind } from '../workflow-safe/pipeline.js';
import type { ObjectRead } from '../storage/object-store.js';
import type { InputFile, OutputFile, RowCounts } from '../workflow-safe/day-records.js';
import type { DayRun } from '../storage/records.js';
import type { ActivityDeps } from './deps.js';

export interface StartDayRunInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly runKind: RunKind;
}

export interface FinishDayRunInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** `cancelled`: the run was cancelled before it ended (its error says at which stage). */
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly stage: PipelineStage;
  readonly inputs: readonly InputFile[];
  readonly outputs: readonly string[];
  /** The outputs as written (size, SHA-256, ETag), for `courant verify`; absent on a failed run. */
  readonly outputFiles?: readonly OutputFile[];
  readonly rows: RowCounts | null;
  readonly error: { readonly type: string; readonly message: string } | null;
  /** The run's data-quality checks, when it got that far. */
  readonly checks?: readonly CheckResult[];
}

/**
 * Marks the calling run's day record `fallback: true` when any of `reads` was served from a local
 * copy because the object store was unreachable, and logs which keys.
 */
export async function noteFallbackReads(
  deps: Pick<ActivityDeps, 'records'>,
  day: { readonly dataset: DatasetName; readonly date: string },
  reads: readonly ObjectRead[],
): Promise<void> {
  const keys = reads.filter((r) => r.origin === 'fallback').map((r) => r.key);
  if (keys.length === 0) return;
  Context.current().log.warn('object store unreachable: read local copies', { ...day, keys, fallback: true });
  await deps.records.upsertDayRun({ ...day, fallback: true }, { onlyIfRunId: callingRun().runId });
}

/** The workflow run that called the activity: day records are owned by runs. */
export function callingRun(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('day-run activities must be called from a workflow');
  return execution;
}

/**
 * The record of a day its run has just opened: running, at download, nothing read yet. A retry of
 * the same run keeps the attempt and start of `previous`; a new run counts one more attempt.
 */
export function openedDayRun(
  day: StartDayRunInput & { readonly workflowId: string; readonly runId: string; readonly codeVersion: string },
  previous: DayRun | null | undefined,
  now: string,
): DayRun {
  const sameRun = previous?.runId === day.runId;
  return {
    dataset: day.dataset,
    date: day.date,
    status: 'running',
    stage: 'download',
    attempt: previous && sameRun ? previous.attempt : (previous?.attempt ?? 0) + 1,
    runKind: day.runKind,
    workflowId: day.workflowId,
    runId: day.runId,
    inputs: [],
    outputs: [],
    outputFiles: [],
    rows: null,
    codeVersion: day.codeVersion,
    startedAt: previous && sameRun ? previous.startedAt : now,
    finishedAt: null,
    error: null,
    fallback: false,
    checks: [],
  };
}

export function createDayRunActivities(deps: ActivityDeps, temporal: Client) {
  /**
   * Takes the dataset-day for the calling workflow run, in one conditional write on its record, the
   * one a range's `openDayRuns` makes too, so that a day and a range never both take it
   * (docs/architecture.md, "Ranged runs"):
   * - a record no other run holds running is opened only if still so (`openDayRuns`);
   * - one a live range holds is left to it;
   * - one another run holds running that ended without finishing it, only if that run still
   *   holds it (`onlyIfRunId`).
   * Resolves to whether it took the day; not taken, another run took it meanwhile: the caller
   * looks again. Idempotent per run: a retry does not count a new attempt; a new run of the same
   * day does.
   */
  async function startDayRun(input: StartDayRunInput): Promise<{ readonly taken: boolean }> {
    const { workflowId, runId } = callingRun();
    const previous = await deps.records.getDayRun(input.dataset, input.date);
    const opened = openedDayRun(
      { ...input, workflowId, runId, codeVersion: deps.codeVersion },
      previous,
      new Date().toISOString(),
    );
    const heldElsewhere = previous?.status === 'running' && previous.runId !== runId;
    const taken = !heldElsewhere
      ? (await deps.records.openDayRuns([opened], new Map(previous ? [[input.date, previous]] : []))).length === 0
      : (await liveRangeHolding(temporal, previous)) === null &&
        (await deps.records.upsertDayRun(opened, { onlyIfRunId: previous.runId }));
    if (!taken) Context.current().log.info('another run took the day meanwhile: looking again', { ...input, runId });
    return { taken };
  }

  /** Records how the run ended. Writes only if the record still belongs to this run. */
  async function finishDayRun(input: FinishDayRunInput): Promise<void> {
    const { runId } = callingRun();
    const { dataset, date, ...outcome } = input;
    const wrote = await deps.records.upsertDayRun(
      { dataset, date, ...outcome, finishedAt: new Date().toISOString() },
      { onlyIfRunId: runId },
    );
    if (wrote) deps.metrics?.dayFinished(input);
    if (!wrote)
      Context.current().log.warn('a newer run owns this day record; not overwriting it', { dataset, date, runId });
  }

  return { startDayRun, finishDayRun };
}
