/** Workflow inputs, outputs and the vocabulary of a pipeline run. JSON-safe; dates cross as strings. */
import type { DatasetName } from './datasets.js';

export const RUN_KINDS = ['scheduled', 'manual', 'backfill'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const PIPELINE_STAGES = ['download', 'transform', 'metrics', 'report', 'done'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export interface DailyPipelineInput {
  readonly date: string;
  /** Defaults to every dataset. */
  readonly datasets?: readonly DatasetName[];
  readonly runKind: RunKind;
  readonly backfillId?: string;
}

export interface DatasetDayInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly runKind: RunKind;
  readonly backfillId?: string;
}

export interface DatasetDayOutput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly processedKeys: readonly string[];
  readonly metricsKey: string;
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number };
  readonly completeness: number | null;
}

export interface DailyPipelineOutput {
  readonly date: string;
  readonly datasets: readonly DatasetDayOutput[];
  readonly reportKeys: readonly string[];
}
