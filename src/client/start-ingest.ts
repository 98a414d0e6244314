/** Starting the ingestion of a file in the inbox from outside Temporal: one run per file and content. */
import type { IngestDropWorkflow } from '../workflow-safe/workflow-types.js';
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { IngestDropInput } from '../workflow-safe/ingest.js';
import { inboxContentOf, workflowIds } from '../workflow-safe/keys.js';
import { Dataset } from '../workflow-safe/search-attributes.js';

/**
 * Starts `ingest/{key}#{content hash}` for a file put in the inbox by `inboxKeys.file` (its key
 * names its content), or returns the run already in flight. A finished ingestion may be started
 * again (after a fix): it runs the file's days that have not succeeded with it.
 */
export async function startIngest(
  client: Client,
  input: IngestDropInput,
  taskQueue: string,
): Promise<WorkflowHandleWithFirstExecutionRunId<IngestDropWorkflow>> {
  const content = inboxContentOf(input.inboxKey);
  if (content === null) throw new RangeError(`${input.inboxKey} is not named by its content (inboxKeys.file)`);
  return client.workflow.start<IngestDropWorkflow>('ingestDrop', {
    workflowId: workflowIds.ingest(input.inboxKey, content),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: [{ key: Dataset, value: input.dataset }],
  });
}
