/**
 * What the Temporal server knows of an ingestion workflow (an SFTP pickup's batch,
 * `ingest-batch/…`, or one file's, `ingest/…`): running, closed (how and when), or none by that ID.
 * Asked by the SFTP pickup and the inbox scan before they hand a waiting file to an ingestion, and
 * by `courant status` before it names one.
 */
import { WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';

export type IngestionState =
  | { readonly id: string; readonly running: true }
  | { readonly id: string; readonly running: false; readonly status: string; readonly closedAt: Date };

/** The latest run of `workflowId`; null when the server knows none by that ID (never started, or past retention). */
export async function ingestionState(workflows: WorkflowClient, workflowId: string): Promise<IngestionState | null> {
  try {
    const { status, closeTime } = await workflows.getHandle(workflowId).describe();
    if (status.name === 'RUNNING') return { id: workflowId, running: true };
    return { id: workflowId, running: false, status: status.name.toLowerCase(), closedAt: closeTime ?? new Date(0) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}

/** The states of `workflowIds`, each asked once, by ID; an ID the server knows none by is absent. */
export async function ingestionStates(
  workflows: WorkflowClient,
  workflowIds: Iterable<string>,
): Promise<Map<string, IngestionState>> {
  const states = new Map<string, IngestionState>();
  for (const id of new Set(workflowIds)) {
    const state = await ingestionState(workflows, id);
    if (state) states.set(id, state);
  }
  return states;
}
