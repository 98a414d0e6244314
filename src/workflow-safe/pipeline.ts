/** Workflow inputs, outputs and the vocabulary of a pipeline run. JSON-safe; dates cross as strings. */
import type { DatasetName } from './datasets.js';
import type { ImportRef } from './imports.js';
import type { CheckResult } from './quality.js';

export const RUN_KINDS = ['scheduled', 'manual', 'backfill', 'ingest'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const PIPELINE_STAGES = ['download', 'transform', 'metrics', 'quality', 'report', 'done'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export interface DailyPipelineInput {
  readonly date: string;
  /** Defaults to the datasets the daily schedule runs. */
  readonly datasets?: readonly DatasetName[];
  readonly runKind: RunKind;
  readonly backfillId?: string;
  /** Set when the day runs from an imported file: that dataset's rows come from it, not its API. */
  readonly importRef?: ImportRef;
  /** Failed `block` checks an operator accepts knowingly for this run (by check name). */
  readonly acceptChecks?: readonly string[];
  /** Set by a backfill, which asks for the reports of its days' months itself, once per batch of days. */
  readonly deferMonthReport?: boolean;
}

export interface DatasetDayInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly runKind: RunKind;
  readonly backfillId?: string;
  /** Set when the day's rows come from an imported file (same dataset) instead of the API. */
  readonly importRef?: ImportRef;
  /** Failed `block` checks an operator accepts knowingly for this run (by check name). */
  readonly acceptChecks?: readonly string[];
}

export interface DatasetDayOutput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly processedKeys: readonly string[];
  readonly metricsKey: string;
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number };
  /** The file of the day's rejected rows (absent from the outputs of runs before it was given). */
  readonly rejectsKey?: string;
  readonly completeness: number | null;
  /** The day's quality checks that did not pass (accepted or warnings). */
  readonly failedChecks?: readonly CheckResult[];
}

export interface DailyPipelineOutput {
  readonly date: string;
  readonly datasets: readonly DatasetDayOutput[];
  readonly reportKeys: readonly string[];
}
