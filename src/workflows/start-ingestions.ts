/** Starting an `ingestDrop` per inbox file, as the inbox scan and the SFTP pickup both do. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { InboxFile } from '../activities/drops.js';
import type { InboxScanOutput } from '../workflow-safe/ingest.js';
import { workflowIds } from '../workflow-safe/keys.js';
import { Dataset } from '../workflow-safe/search-attributes.js';
import { ingestDrop } from './ingest-drop.js';

/** Starts the file's ingestion; false when its ID is taken (it runs, or ran, with the same content). */
async function startIngestion(file: InboxFile): Promise<string | null> {
  const workflowId = workflowIds.ingest(file.key, file.content ?? file.bytes);
  try {
    await startChild(ingestDrop, {
      workflowId,
      // A file renamed to a storage key, or fetched by SFTP, keeps the name it was dropped under.
      args: [{ dataset: file.dataset, inboxKey: file.key, ...(file.name ? { options: { fileName: file.name } } : {}) }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: Dataset, value: file.dataset }],
    });
    return workflowId;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return null;
  }
}

/**
 * Starts one `ingestDrop` per file (`ingest/{key}#{content hash}`), which outlives the caller, all
 * in one workflow task. A file whose ingestion runs, or ran with the same content, is skipped: the
 * same bytes under the same key are ingested once. (A file listed without its hash, by a release
 * before hashes named ingestions, is named by its size; before patch `ingestions-started-together`
 * the files were started one task after another.)
 */
export async function startIngestions(files: readonly InboxFile[]): Promise<InboxScanOutput> {
  if (files.length === 0) return { started: [], skipped: 0 };
  const ids: Array<string | null> = [];
  if (patched('ingestions-started-together')) ids.push(...(await Promise.all(files.map(startIngestion))));
  else for (const file of files) ids.push(await startIngestion(file));
  const started = ids.filter((id): id is string => id !== null);
  return { started, skipped: files.length - started.length };
}
