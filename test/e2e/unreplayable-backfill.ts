/**
 * A `backfill` whose commands are not the real one's (a timer first, where the real one plans): a
 * worker running the real code cannot replay a history this one wrote, and fails its workflow task
 * on every attempt, as it would after a change deployed without versioning.
 */
import { setHandler, sleep } from '@temporalio/workflow';
import { progressQuery } from '../../src/workflow-safe/backfill-messages.js';
import { EMPTY_ROWS_TALLY } from '../../src/workflow-safe/rows-tally.js';

/**
 * Bundled from this file by the test, as the worker's `backfill` workflow.
 * @public
 */
export async function backfill(): Promise<void> {
  setHandler(progressQuery, () => ({
    planning: false,
    planned: 3,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    running: [],
    pending: 3,
    paused: false,
    failedDays: [],
    rows: EMPTY_ROWS_TALLY,
  }));
  await sleep('1 hour');
}
