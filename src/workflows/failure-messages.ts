/** What an operator reads when a day fails: what failed, where, and what to do. Pure. */
import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import type { ErrorTypeName } from '../shared/errors.js';

export interface FailureSummary {
  readonly type: string;
  readonly message: string;
}

/**
 * The first typed failure of a chain, as type and message: for an activity failure, the
 * activity's classified error; for a child workflow failure, the child's message to operators.
 */
export function describeFailure(error: unknown): FailureSummary {
  let fallback: FailureSummary | null = null;
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current instanceof ApplicationFailure) return { type: current.type ?? 'Error', message: current.message };
    if (current instanceof TemporalFailure && fallback === null)
      fallback = { type: current.name, message: current.message };
  }
  return fallback ?? { type: 'Unknown', message: error instanceof Error ? error.message : String(error) };
}

/** What to do, by failure type; `{dataset}` and `{date}` are the day's. */
const ADVICE: Partial<Record<ErrorTypeName, string>> = {
  BadData:
    'the source data is wrong: inspect the file named above (quarantine/ keeps refused bodies), fix or wait for the source',
  NoData:
    'the day has no data and never will (a source kept only during the day was not collected on it, or the day lies before what the source holds): re-running it cannot help',
  SourceRejected: 'the source refused the request: check the source URL and configuration',
  TransientIO:
    'the source or storage stayed unreachable through every retry: check connectivity and the service status',
  DataQuality:
    'the data was read but fails a quality check: look at the file named above and at quality/{dataset}/dt={date}/checks.json, and at the source',
  StorageMisconfigured:
    'a local directory of the worker cannot be written: fix its permissions or free space, or point the variable named above elsewhere, and restart the worker',
};

export function operatorMessage(args: {
  dataset: string;
  date: string;
  stage: string;
  failure: FailureSummary;
  workflowId: string;
}): string {
  const advice = (ADVICE[args.failure.type as ErrorTypeName] ?? 'see the cause below')
    .replaceAll('{dataset}', args.dataset)
    .replaceAll('{date}', args.date);
  return (
    `${args.dataset} ${args.date} failed at ${args.stage} [${args.failure.type}]: ${args.failure.message}. ` +
    `What to do: ${advice}; then re-run the day (Reset ${args.workflowId} to its first workflow task, ` +
    `or \`courant run --date ${args.date}\`). Re-running is safe.`
  );
}
