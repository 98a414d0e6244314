import { ApplicationFailure, continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { activityOptions } from './activity-options.js';
import type { SftpPickupOutput } from '../workflow-safe/ingest.js';
import { describeFailure } from './failure-messages.js';
import { startBatch } from './start-ingestions.js';

const pickup = proxyActivities<Activities>(activityOptions('sftpPickup'));
const listing = proxyActivities<Activities>(activityOptions('sftpListing'));

/** Files fetched per activity: a backlog of thousands is fetched in rounds, each round's ingestions started before the next. */
const FILES_PER_ROUND = 200;
/** History events past which the pickup goes on as a new run (each ingestion started adds two or three). */
const HISTORY_EVENTS_BEFORE_NEW_RUN = 5_000;

/**
 * sftpPickup: the SFTP pickup schedule's action — for each dataset whose SFTP server is configured,
 * fetches the files not fetched before into its inbox (`pickUpSftp`, 200 at a time) and starts one
 * `ingestFiles` per round (`ingest-batch/…`: the round's files claimed together, their days run
 * once for all), round after round until none is left; a long backlog goes on in a new run of the
 * same workflow (continue-as-new), so the schedule still sees one pickup. A dataset whose
 * pickup fails does not stop the others; the run then fails naming each (a changed host key:
 * HostKeyRefused, never retried).
 */
export async function sftpPickup(): Promise<SftpPickupOutput> {
  const started: string[] = [];
  const failed: string[] = [];
  let skipped = 0;
  for (const dataset of await listing.sftpDatasets()) {
    for (let full = true; full;) {
      if (workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_NEW_RUN) await continueAsNew<typeof sftpPickup>();
      try {
        const files = await pickup.pickUpSftp({ dataset, limit: FILES_PER_ROUND });
        const ingestions = await startBatch(files);
        started.push(...ingestions.started);
        skipped += ingestions.skipped;
        full = files.length >= FILES_PER_ROUND;
      } catch (error) {
        failed.push(`${dataset}: ${describeFailure(error).message}`);
        full = false;
      }
    }
  }
  if (started.length > 0) log.info('sftp pickup started ingestions', { started: started.length, skipped });
  if (failed.length > 0)
    throw ApplicationFailure.create({
      type: ErrorType.DatasetsFailed,
      nonRetryable: true,
      message: `the SFTP pickup failed for ${failed.join(' | ')}`,
    });
  return { started, skipped };
}
