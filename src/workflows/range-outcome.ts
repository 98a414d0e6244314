/** A backfill's look at another run's range holding some of its days, until that range ends. */
import { sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RangeDayOutcome } from '../workflow-safe/ranges.js';

/** The first pause between two looks at a range; each next one doubles, up to a last. */
const FIRST_LOOK_MS = 5_000;

/**
 * The last pause between two looks: 5 minutes (patch `backfill-waits-bounded`), so that a range
 * held for hours (a stage retrying, a stuck worker) costs its waiter a dozen looks an hour; a
 * minute in runs started before it; 5 s, never doubling, before patch
 * `backfill-without-local-activities`.
 */
export const LAST_LOOK_MS = { bounded: 5 * 60_000, byActivity: 60_000, local: FIRST_LOOK_MS } as const;

/**
 * The outcome `workflowId` gives `dates` once it ends: looked at with `look.rangeOutcome` (an
 * activity, or a local activity in runs started before patch `backfill-without-local-activities`)
 * between pauses doubling from 5 s to `lastLookMs`.
 */
export async function rangeOutcomeWhenEnded(
  look: Pick<Activities, 'rangeOutcome'>,
  lastLookMs: number,
  workflowId: string,
  dates: readonly string[],
): Promise<RangeDayOutcome[]> {
  for (let pause = FIRST_LOOK_MS; ; pause = Math.min(pause * 2, lastLookMs)) {
    const days = await look.rangeOutcome({ workflowId, dates });
    if (days !== null) return days;
    await sleep(pause);
  }
}
