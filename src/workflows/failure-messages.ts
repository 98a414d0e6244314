/** What an operator reads when a day fails: what failed, where, and what to do. Pure. */
import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import { whatToDo } from '../workflow-safe/failure-advice.js';

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

export function operatorMessage(args: {
  dataset: string;
  date: string;
  stage: string;
  failure: FailureSummary;
  workflowId: string;
}): string {
  const advice = whatToDo(args.failure.type, args.dataset, args.date) ?? 'see the cause below';
  return (
    `${args.dataset} ${args.date} failed at ${args.stage} [${args.failure.type}]: ${args.failure.message}. ` +
    `What to do: ${advice}; then re-run the day (Reset ${args.workflowId} to its first workflow task, ` +
    `or \`courant run --date ${args.date}\`). Re-running is safe.`
  );
}
