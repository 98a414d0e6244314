import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { VerifyOutputsInput, VerifyOutputsOutput } from '../workflow-safe/verify-outputs.js';

/** Reading records and listing folders: retried while a store does not answer. */
const quick = proxyActivities<Activities>(activityOptions('outputsVerification'));

/** Days looked back when the input does not say. */
const DEFAULT_LOOKBACK_DAYS = 62;

/**
 * verifyOutputsScheduled: the verification schedule's action — checks the outputs of the succeeded
 * days of the lookback window against their records (one activity, as `courant verify`), marks
 * those wanting `OutputsMissing` and counts them for the alert. Succeeds whatever it finds: the
 * marks, the counter and its alert say what to mend (`backfill --mode missing`).
 */
export async function verifyOutputsScheduled(input?: Partial<VerifyOutputsInput>): Promise<VerifyOutputsOutput> {
  const lookbackDays = input?.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
  const result = await quick.verifyRecentOutputs({ lookbackDays });
  if (result.wanting.length > 0) {
    log.warn('outputs missing or changed', { from: result.from, to: result.to, days: result.wanting.length });
  }
  return result;
}
