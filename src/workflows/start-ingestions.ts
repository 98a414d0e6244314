/** Starting ingestions of inbox files: an `ingestDrop` per file (the inbox scan), an `ingestFiles` per round (the SFTP pickup). */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { InboxFile } from '../activities/drops.js';
import type { InboxScanOutput } from '../workflow-safe/ingest.js';
import { workflowIds } from '../workflow-safe/keys.js';
import { Dataset } from '../workflow-safe/search-attributes.js';
import { ingestDrop } from './ingest-drop.js';
import { ingestFiles } from './ingest-files.js';

/**
 * Starts an ingestion that outlives the caller, tagged with its dataset; false when its ID is taken
 * (it runs, or ran, with the same files): the same bytes are ingested once.
 */
async function startOnce<A extends unknown[]>(
  workflow: (...args: A) => Promise<unknown>,
  workflowId: string,
  dataset: InboxFile['dataset'],
  args: A,
): Promise<boolean> {
  try {
    await startChild(workflow, {
      workflowId,
      args,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: Dataset, value: dataset }],
    });
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return false;
  }
}

/** Starts the file's ingestion; null when its ID is taken. */
async function startIngestion(file: InboxFile): Promise<string | null> {
  const workflowId = workflowIds.ingest(file.key, file.content ?? file.bytes);
  // A file renamed to a storage key, or fetched by SFTP, keeps the name it was dropped under.
  const options = file.name ? { options: { fileName: file.name } } : {};
  const started = await startOnce(ingestDrop, workflowId, file.dataset, [
    { dataset: file.dataset, inboxKey: file.key, ...options },
  ]);
  return started ? workflowId : null;
}

/**
 * Starts one `ingestFiles` for a round's files (`ingest-batch/{dataset}/{hash of their keys}`),
 * which outlives the caller; none when the same files' batch runs or ran.
 */
export async function startBatch(files: readonly InboxFile[]): Promise<InboxScanOutput> {
  const first = files[0];
  if (!first) return { started: [], skipped: 0 };
  const workflowId = workflowIds.ingestBatch(
    first.dataset,
    files.map((f) => f.key),
  );
  const batch = files.map((f) => ({ inboxKey: f.key, ...(f.name ? { name: f.name } : {}) }));
  return (await startOnce(ingestFiles, workflowId, first.dataset, [{ dataset: first.dataset, files: batch }]))
    ? { started: [workflowId], skipped: 0 }
    : { started: [], skipped: files.length };
}

/**
 * Starts one `ingestDrop` per file (`ingest/{key}#{content hash}`), which outlives the caller, all
 * in one workflow task. A file whose ingestion runs, or ran with the same content, is skipped: the
 * same bytes under the same key are ingested once.
 */
export async function startIngestions(files: readonly InboxFile[]): Promise<InboxScanOutput> {
  if (files.length === 0) return { started: [], skipped: 0 };
  const ids = await Promise.all(files.map(startIngestion));
  const started = ids.filter((id): id is string => id !== null);
  return { started, skipped: files.length - started.length };
}
