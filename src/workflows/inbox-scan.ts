import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { log, ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { InboxScanOutput } from '../workflow-safe/ingest.js';
import { workflowIds } from '../workflow-safe/keys.js';
import { Dataset } from '../workflow-safe/search-attributes.js';
import { ingestDrop } from './ingest-drop.js';

/** Listing is quick; a store that does not answer is tried again at the next scan. */
const quick = proxyActivities<Activities>(activityOptions('inboxListing'));

/** Files taken per scan at most; the next scan takes the rest. */
const FILES_PER_SCAN = 200;

/**
 * inboxScan: the inbox schedule's action — lists the files waiting in every dataset's inbox and
 * starts one `ingestDrop` per file (`ingest/{key}#{bytes}`), which outlives the scan. A file whose
 * ingestion runs, or ran with the same size (succeeded, failed or refused), is left alone: a failed
 * file waits for an operator (`courant ingest`), never for a retry loop. Read-only otherwise.
 */
export async function inboxScan(): Promise<InboxScanOutput> {
  const files = await quick.listInbox({ limit: FILES_PER_SCAN });
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
  if (started.length > 0) log.info('inbox scan started ingestions', { started: started.length, skipped });
  return { started, skipped };
}
