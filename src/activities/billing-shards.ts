/** The activities of a month billed in shards (docs/billing.md, "A month in shards"; `month-shards.ts`). */
import { billShard, dropShards, recordShards } from '../billing/month-shards.js';
import type { BilledMonth, BillingTrigger } from '../workflow-safe/billing.js';
import type { ActivityDeps } from './deps.js';
import { asMonthBiller, billedMonth } from './month-biller.js';

export function createBillingShardActivities(deps: ActivityDeps) {
  /**
   * Bills one shard of a month from its stored input and stores its part; resolves to its rows.
   * - Writes only its part, the same bytes on every attempt: no lease; any worker may take it.
   * - Heartbeats while it computes; a shard that fails is retried alone.
   */
  async function billMonthShard(input: {
    readonly month: string;
    readonly work: string;
    readonly shard: number;
  }): Promise<number> {
    return asMonthBiller(deps, input.month, async ({ rates, scratch, biller }) => {
      biller.progress(`billing shard ${input.shard}`);
      return billShard(deps.objects, scratch, rates, input);
    });
  }

  /**
   * Joins the shards' parts in order and records the month for `triggers`, as `billStoredMonth`
   * records a month billed in one piece (under the month's lease; idempotent; `lateDays`).
   */
  async function recordMonthShards(input: {
    readonly month: string;
    readonly work: string;
    readonly triggers: readonly BillingTrigger[];
  }): Promise<BilledMonth> {
    return asMonthBiller(deps, input.month, async ({ rates, scratch, biller }) =>
      billedMonth(await recordShards(deps, scratch, rates, input, biller)),
    );
  }

  /** Removes a billing's work folder once its month is recorded. Idempotent. */
  async function dropMonthShards(input: { readonly month: string; readonly work: string }): Promise<void> {
    await dropShards(deps.objects, input.month, input.work);
  }

  return { billMonthShard, recordMonthShards, dropMonthShards };
}
