import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../workflow-safe/errors.js';

/**
 * Record keeping and planning, run inside the workflow task (local activities): short reads and
 * writes that need no retry isolation of their own, so they cost no round trip to the server.
 * A worker lost meanwhile fails the workflow task; the next worker runs them again (each is
 * idempotent).
 */
export const localRecordKeeping = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 15,
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});
