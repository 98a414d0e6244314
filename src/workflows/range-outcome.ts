/** A backfill's look at another run's range holding some of its days, until that range ends. */
import { sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RangeDayOutcome } from '../workflow-safe/ranges.js';

/** The first pause between two looks at a range; each next one doubles, up to a last. */
const FIRST_LOOK_MS = 5_000;

/**
 * The last pause between two looks: a range held for hours (a stage retrying, a stuck worker)
 * costs its waiter a dozen looks an hour, and the waiter's history stays short.
 */
const LAST_LOOK_MS = 5 * 60_000;

/**
 * The outcome `workflowId` gives `dates` once it ends: looked at with `look.rangeOutcome` (an
 * activity) between pauses doubling from FIRST_LOOK_MS to LAST_LOOK_MS.
 */
export async function rangeOutcomeWhenEnded(
  look: Pick<Activities, 'rangeOutcome'>,
  workflowId: string,
  dates: readonly string[],
): Promise<RangeDayOutcome[]> {
  for (let pause = FIRST_LOOK_MS; ; pause = Math.min(pause * 2, LAST_LOOK_MS)) {
    const days = await look.rangeOutcome({ workflowId, dates });
    if (days !== null) return days;
    await sleep(pause);
  }
}
