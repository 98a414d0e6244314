import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { localActivityOptions } from './activity-options.js';

/**
 * Record keeping and planning, run inside the workflow task (local activities): short reads and
 * writes that need no retry isolation of their own, so they cost no round trip to the server.
 * A worker lost meanwhile fails the workflow task; the next worker runs them again (each is
 * idempotent).
 */
export const localRecordKeeping = proxyLocalActivities<Activities>(localActivityOptions('recordKeeping'));
