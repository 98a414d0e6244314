import { ApplicationFailure, log, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType, NON_RETRYABLE_ERROR_TYPES } from '../workflow-safe/errors.js';
import type { SftpPickupOutput } from '../workflow-safe/ingest.js';
import { describeFailure } from './failure-messages.js';
import { startIngestions } from './start-ingestions.js';

/**
 * A pickup fetches a server's new files in one activity, heartbeating: a lost worker is noticed
 * within a minute and the pickup retried. An unreachable server or a cut connection is retried with
 * backoff (5 s, 10 s, 20 s, 40 s), then the run fails and the next scheduled one tries again.
 */
const SFTP_PICKUP_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
};

const LISTING_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
};

const pickup = proxyActivities<Activities>(SFTP_PICKUP_ACTIVITY);
const listing = proxyActivities<Activities>(LISTING_ACTIVITY);

/**
 * sftpPickup: the SFTP pickup schedule's action — for each dataset whose SFTP server is configured,
 * fetches the files not fetched before into its inbox (`pickUpSftp`) and starts one `ingestDrop`
 * per file, as the inbox scan would. A dataset whose pickup fails does not stop the others; the
 * run then fails naming each (a changed host key: HostKeyRefused, never retried).
 */
export async function sftpPickup(): Promise<SftpPickupOutput> {
  const started: string[] = [];
  const failed: string[] = [];
  let skipped = 0;
  for (const dataset of await listing.sftpDatasets()) {
    try {
      const ingestions = await startIngestions(await pickup.pickUpSftp({ dataset }));
      started.push(...ingestions.started);
      skipped += ingestions.skipped;
    } catch (error) {
      failed.push(`${dataset}: ${describeFailure(error).message}`);
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
