import { ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { activityOptions } from './activity-options.js';
import type { SftpPickupOutput } from '../workflow-safe/ingest.js';
import { describeFailure } from './failure-messages.js';
import { startIngestions } from './start-ingestions.js';

const pickup = proxyActivities<Activities>(activityOptions('sftpPickup'));
const listing = proxyActivities<Activities>(activityOptions('sftpListing'));

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
