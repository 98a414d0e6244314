/** Day records as the pipeline writes them, for the console's tests and bench: succeeded, failed, blocked, running, cancelled. */
import type { CheckResult } from '../../src/workflow-safe/quality.js';
import type { DayRun } from '../../src/storage/records.js';

export function succeededRun(dataset: string, date: string, checks: readonly CheckResult[] = []): DayRun {
  return {
    dataset,
    date,
    status: 'succeeded',
    stage: 'done',
    attempt: 1,
    runKind: 'backfill',
    workflowId: `day/${dataset}/${date}`,
    runId: `run-${dataset}-${date}`,
    inputs: [],
    outputs: [`processed/${dataset}/dt=${date}/${dataset}.parquet`],
    rows: { read: 96, written: 96, rejected: 0 },
    codeVersion: '0.1.0',
    startedAt: `${date}T23:00:00.000Z`,
    finishedAt: `${date}T23:00:05.000Z`,
    error: null,
    fallback: false,
    checks,
  };
}

/** A day whose run has started and not finished, at its transform. */
export function runningRun(dataset: string, date: string): DayRun {
  return {
    ...succeededRun(dataset, date),
    status: 'running',
    stage: 'transform',
    rows: null,
    outputs: [],
    finishedAt: null,
  };
}

export function failedRun(dataset: string, date: string, error: { type: string; message: string }): DayRun {
  return {
    ...succeededRun(dataset, date),
    status: 'failed',
    stage: 'transform',
    attempt: 2,
    rows: null,
    outputs: [],
    error,
  };
}

/** A day whose run was cancelled at its transform (its backfill cancelled with it). */
export function cancelledRun(dataset: string, date: string): DayRun {
  return {
    ...failedRun(dataset, date, { type: 'Cancelled', message: 'cancelled during transform' }),
    status: 'cancelled',
  };
}

/** The `balance` check of eCO2mix, failed and blocking. */
export const FAILED_BALANCE: CheckResult = {
  name: 'balance',
  severity: 'block',
  description: 'production plus imports matches consumption',
  passed: false,
  observed: 0.31,
  threshold: '≤ 0.05',
  rowsInvolved: 12,
  sample: [{ instant: '2022-06-08T10:00:00Z', gap: 0.31 }],
  file: 'processed/eco2mix/dt=2022-06-08/eco2mix_national.parquet',
  accepted: false,
};

export function blockedRun(dataset: string, date: string): DayRun {
  return {
    ...failedRun(dataset, date, {
      type: 'DataQuality',
      message: `quality check balance failed: observed 0.31, limit ≤ 0.05 (${FAILED_BALANCE.file})`,
    }),
    stage: 'quality',
    checks: [{ ...FAILED_BALANCE, file: `processed/${dataset}/dt=${date}/eco2mix_national.parquet` }],
  };
}
