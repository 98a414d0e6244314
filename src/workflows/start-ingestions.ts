/** Starting an `ingestDrop` per inbox file, as the inbox scan and the SFTP pickup both do. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { InboxFile } from '../activities/drops.js';
import type { InboxScanOutput } from '../workflow-safe/ingest.js';
import { workflowIds } from '../workflow-safe/keys.js';
import { Dataset } from '../workflow-safe/search-attributes.js';
import { ingestDrop } from './ingest-drop.js';

/**
 * Starts one `ingestDrop` per file (`ingest/{key}#{bytes}`), which outlives the caller. A file whose
 * ingestion runs, or ran with the same size, is skipped: one file and size is ingested once.
 */
export async function startIngestions(files: readonly InboxFile[]): Promise<InboxScanOutput> {
  const started: string[] = [];
  let skipped = 0;
  for (const file of files) {
    const workflowId = workflowIds.ingest(file.key, file.bytes);
    try {
      await startChild(ingestDrop, {
        workflowId,
        // A file renamed to a storage key keeps the name it was dropped under.
        args: [
          { dataset: file.dataset, inboxKey: file.key, ...(file.name ? { options: { fileName: file.name } } : {}) },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [{ key: Dataset, value: file.dataset }],
      });
      started.push(workflowId);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      skipped += 1;
    }
  }
  return { started, skipped };
}
