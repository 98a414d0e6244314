import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { InboxScanOutput } from '../workflow-safe/ingest.js';
import { startIngestions } from './start-ingestions.js';

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
  const { started, skipped } = await startIngestions(files);
  if (started.length > 0) log.info('inbox scan started ingestions', { started: started.length, skipped });
  return { started, skipped };
}
