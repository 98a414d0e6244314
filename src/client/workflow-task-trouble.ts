/**
 * Workflows whose task keeps failing: a run whose workflow task failed (or timed out) on two
 * attempts in a row or more, so nothing of it moves until a worker that can run it answers — a
 * history its code cannot replay, a workflow bug, a worker that dies on the task. The server retries
 * such a task for ever; these are how an operator sees one (`courant status`, `courant backfill --wait`).
 */
import type { WorkflowClient } from '@temporalio/client';
import type * as Proto from '@temporalio/proto';
import { createRequire } from 'node:module';
import pLimit from 'p-limit';

/** Attempts of one workflow task from which it counts as failing: the first failure may be a worker that went away. */
export const FAILING_TASK_ATTEMPTS = 2;

/** Running workflows looked at by one listing at most, and at once. */
const LISTED_AT_MOST = 500;
const DESCRIBED_AT_ONCE = 8;

/** Newest events read to find why the task failed: the failure is recorded once, then the retries are not. */
const EVENTS_READ_BACK = 50;

export interface WorkflowTaskTrouble {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  /** Attempts of the pending workflow task so far. */
  readonly attempts: number;
  /** The server's cause (`NON_DETERMINISTIC_ERROR`, `WORKFLOW_WORKER_UNHANDLED_FAILURE`, `TIMED_OUT`…). */
  readonly cause: string;
  /** The worker's message for the first failed attempt ("[TMPRL1100] Nondeterminism error: …"). */
  readonly message: string;
}

// A CommonJS package, required: Node's ESM loader and vitest's do not agree on its named exports.
const { temporal } = createRequire(import.meta.url)('@temporalio/proto') as typeof Proto;
const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

/** The cause and message of the newest failed or timed-out workflow task among the run's last events. */
async function lastTaskFailure(
  client: WorkflowClient,
  workflowId: string,
  runId: string,
): Promise<Pick<WorkflowTaskTrouble, 'cause' | 'message'>> {
  const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: EVENTS_READ_BACK,
  });
  for (const event of history?.events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
      const attributes = event.workflowTaskFailedEventAttributes;
      const cause = WorkflowTaskFailedCause[attributes?.cause ?? 0] ?? 'UNSPECIFIED';
      return {
        cause: cause.replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, ''),
        message: attributes?.failure?.message ?? '(no message)',
      };
    }
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
      return { cause: 'TIMED_OUT', message: 'the workflow task timed out: no worker completed it in time' };
  }
  return { cause: 'UNSPECIFIED', message: `no failure among the last ${EVENTS_READ_BACK} events` };
}

/** The trouble of one run (its latest, without `runId`), or null when its workflow task is not failing. */
export async function workflowTaskTrouble(
  client: WorkflowClient,
  workflowId: string,
  runId?: string,
): Promise<WorkflowTaskTrouble | null> {
  const description = await client.getHandle(workflowId, runId).describe();
  const attempts = description.raw.pendingWorkflowTask?.attempt ?? 0;
  if (description.status.name !== 'RUNNING' || attempts < FAILING_TASK_ATTEMPTS) return null;
  const failure = await lastTaskFailure(client, workflowId, description.runId);
  return { workflowId, runId: description.runId, workflowType: description.type, attempts, ...failure };
}

export interface FailingWorkflows {
  readonly failing: readonly WorkflowTaskTrouble[];
  /** Running workflows looked at, and how many run in all (more than looked at when past the listing's bound). */
  readonly lookedAt: number;
  readonly running: number;
}

/**
 * The running workflows of the task queues `taskQueues` (a deployment's: its own and its backfill
 * queue; another deployment's workflows on the same namespace are not its to report) whose task
 * keeps failing, the oldest first.
 */
export async function failingWorkflows(
  client: WorkflowClient,
  taskQueues: readonly string[],
): Promise<FailingWorkflows> {
  const queues = taskQueues.map((q) => `'${q.replaceAll("'", "''")}'`).join(', ');
  const query = `ExecutionStatus = 'Running' AND TaskQueue IN (${queues})`;
  const runs: Array<{ workflowId: string; runId: string }> = [];
  for await (const run of client.list({ query, pageSize: LISTED_AT_MOST })) {
    runs.push({ workflowId: run.workflowId, runId: run.runId });
    if (runs.length >= LISTED_AT_MOST) break;
  }
  const running = runs.length < LISTED_AT_MOST ? runs.length : (await client.count(query)).count;
  const describe = pLimit(DESCRIBED_AT_ONCE);
  const troubles = await Promise.all(
    runs.map((run) => describe(() => workflowTaskTrouble(client, run.workflowId, run.runId))),
  );
  return {
    failing: troubles.filter((t): t is WorkflowTaskTrouble => t !== null).reverse(),
    lookedAt: runs.length,
    running,
  };
}

/** One line for a person: the workflow, its attempts, the cause and the worker's message (cut at 300 characters). */
export function troubleLine(trouble: WorkflowTaskTrouble): string {
  const message = trouble.message.length > 300 ? `${trouble.message.slice(0, 299)}…` : trouble.message;
  return `${trouble.workflowId} (${trouble.workflowType}): its workflow task failed ${trouble.attempts} times in a row [${trouble.cause}]: ${message}`;
}
