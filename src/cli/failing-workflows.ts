/**
 * The `courant status` section of the workflows whose task keeps failing (their worker cannot run
 * them, so nothing of them moves), read from the Temporal server; a server that does not answer is
 * said in one line, the rest of the status coming from the records.
 */
import { ServiceUnavailableError } from '../faults/service-unavailable.js';
import { failingWorkflows, troubleLine, type FailingWorkflows } from '../client/workflow-task-trouble.js';
import type { CommandContext } from './context.js';
import { connectCommandClient } from './command-client.js';
import { backfillTaskQueue } from '../workflow-safe/keys.js';

/** Lines listed at most; the rest are counted. */
const MAX_LISTED = 20;

export type FailingWorkflowsSeen = { readonly found: FailingWorkflows } | { readonly unreachable: string };

export async function failingWorkflowsSeen(ctx: CommandContext): Promise<FailingWorkflowsSeen> {
  const connected = await connectCommandClient(ctx).catch((error: unknown) => {
    if (error instanceof ServiceUnavailableError) return error;
    throw error;
  });
  if (connected instanceof ServiceUnavailableError) return { unreachable: connected.message };
  try {
    const queue = ctx.config.temporal.taskQueue;
    return { found: await failingWorkflows(connected.client.workflow, [queue, backfillTaskQueue(queue)]) };
  } finally {
    await connected.close();
  }
}

/** The section's text: empty when every running workflow's task goes on. */
export function failingWorkflowsText(seen: FailingWorkflowsSeen): string {
  if ('unreachable' in seen) return `\nWorkflows: not looked at: ${seen.unreachable}\n`;
  const { failing, lookedAt, running } = seen.found;
  const partial = lookedAt < running ? ` (the first ${lookedAt} of ${running} running workflows looked at)` : '';
  if (failing.length === 0) return partial ? `\nWorkflows: none whose task keeps failing${partial}\n` : '';
  const lines = failing.slice(0, MAX_LISTED).map((trouble) => `  ${troubleLine(trouble)}`);
  if (failing.length > MAX_LISTED) lines.push(`  … and ${failing.length - MAX_LISTED} more`);
  return (
    `\nWorkflows whose task keeps failing (${failing.length})${partial}: nothing of them moves until a worker that ` +
    `can run them answers (docs/operations.md#a-workflow-whose-task-keeps-failing):\n${lines.join('\n')}\n`
  );
}
