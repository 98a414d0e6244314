/** Day-run activities: the `day_runs` record that outlives Temporal's retention (docs/architecture.md#records). */
import type { CheckResult } from '../workflow-safe/quality.js';
import { Context } from '@temporalio/activity';
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { PipelineStage, RunKind } from '../workflow-safe/pipeline.js';
import type { ObjectRead } from '../storage/object-store.js';
import type { InputFile, OutputFile, RowCounts } from '../workflow-safe/day-records.js';
import type { ActivityDeps } from './deps.js';

export interface StartDayRunInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly runKind: RunKind;
}

export interface FinishDayRunInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly status: 'succeeded' | 'failed';
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
function callingRun(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('day-run activities must be called from a workflow');
  return execution;
}

export function createDayRunActivities(deps: ActivityDeps) {
  /**
   * Marks the dataset-day as running for the calling workflow run. Idempotent per run: a retry
   * does not count a new attempt; a new run of the same day does.
   */
  async function startDayRun(input: StartDayRunInput): Promise<void> {
    const { workflowId, runId } = callingRun();
    const previous = await deps.records.getDayRun(input.dataset, input.date);
    const sameRun = previous !== null && previous.runId === runId;
    const attempt = sameRun ? previous.attempt : (previous?.attempt ?? 0) + 1;
    const wrote = await deps.records.upsertDayRun({
      dataset: input.dataset,
      date: input.date,
      status: 'running',
      stage: 'download',
      attempt,
      runKind: input.runKind,
      workflowId,
      runId,
      inputs: [],
      outputs: [],
      outputFiles: [],
      rows: null,
      codeVersion: deps.codeVersion,
      startedAt: sameRun ? previous.startedAt : new Date().toISOString(),
      finishedAt: null,
      error: null,
      fallback: false,
      checks: [],
    });
    if (!wrote) Context.current().log.warn('a newer run owns this day record; not overwriting it', { ...input, runId });
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
