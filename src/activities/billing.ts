/** Monthly billing activities: billing a month from the stored days, and asking `billing/{YYYY-MM}` to bill. */
import { Context } from '@temporalio/activity';
import { parquetMetadata } from 'hyparquet';
import type { Client } from '@temporalio/client';
import { requestBilling as askBilling } from '../client/request-billing.js';
import { billAndRecordMonth } from '../billing/bill-month.js';
import { billOrShardMonth } from '../billing/month-shards.js';
import { getBillingPending, putBillingPending } from '../billing/month-pending.js';
import { getBillingRecord } from '../billing/billing-record.js';
import { monthRatesSha256 } from '../billing/month-rates.js';
import type { Rates } from '../billing/rates.js';
import { billedMonths, isBilledMonth } from '../billing/stored-month.js';
import { EVENT_TABLE } from '../datasets/enedis/day-transform.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import {
  BILLING_DATASET,
  mergeTriggers,
  monthsReadingDay,
  type BilledMonth,
  type BillingFailing,
  type BillingTrigger,
  type ShardedMonth,
} from '../workflow-safe/billing.js';
import { storageKeys } from '../workflow-safe/keys.js';
import { monthOf } from '../workflow-safe/periods.js';
import type { ActivityDeps } from './deps.js';
import { billedMonth, asMonthBiller, workFolder } from './month-biller.js';

/**
 * Asks every billed month whose record names other rates than `rates` price it with now (or none)
 * to bill again, the trigger naming the rates' hash; and every month whose billing stopped at a
 * fault only a release mends (its pending record, not tried again by itself) for the requests it
 * keeps. Run by each worker when it starts: new rates ship with a new release. Resolves to the
 * months asked.
 */
export async function requestRatesRebilling(
  deps: Pick<ActivityDeps, 'objects' | 'records'>,
  client: Client,
  taskQueue: string,
  rates: Rates,
): Promise<string[]> {
  const asked: string[] = [];
  for (const month of await billedMonths(deps.objects)) {
    const record = await getBillingRecord(deps.records, month);
    const pending = await getBillingPending(deps.records, month);
    const ratesSha256 = monthRatesSha256(rates, month);
    const stopped = pending !== null && pending.failing?.nextAt === undefined;
    const triggers: BillingTrigger[] = [
      ...(record !== null && record.ratesSha256 !== ratesSha256 ? [{ kind: 'rates' as const, ratesSha256 }] : []),
      ...(stopped ? pending.triggers : []),
    ];
    if (triggers.length === 0) continue;
    for (const trigger of mergeTriggers(triggers)) await askBilling(client, taskQueue, month, trigger);
    asked.push(month);
  }
  return asked;
}

export function createBillingActivities(deps: ActivityDeps, client: Client) {
  /**
   * Bills `month` from what the Enedis days stored (docs/billing.md, "The month's invariant") for
   * `triggers`: the month's workflow is its only caller.
   * - Idempotent: the Parquet rewritten only when its bytes moved, the version it replaces kept.
   * - Heartbeats while it computes; an attempt that timed out loses the month's lease to the next
   *   attempt, and writes nothing after.
   * - Gives back the days that succeeded after it read them (`lateDays`).
   * - Asked `shardable`, a month past `BILLING_SHARD_PRMS` PRMs is cut into shards rather than billed
   *   here (`ShardedMonth`): the workflow has them billed (`billing-shards.ts`).
   * - A rates file at fault fails it for good (bad data); a store that does not answer is retried.
   */
  async function billStoredMonth(input: {
    readonly month: string;
    readonly triggers: readonly BillingTrigger[];
    /** A month past `BILLING_SHARD_PRMS` PRMs may be cut into shards (`month-shards.ts`): from the `billing-shards` patch on. */
    readonly shardable?: boolean;
  }): Promise<BilledMonth | ShardedMonth> {
    return asMonthBiller(deps, input.month, async ({ rates, scratch, biller }) => {
      const { month, triggers } = input;
      const prmsAShard = input.shardable === true ? deps.billingShardPrms : undefined;
      const billed =
        prmsAShard === undefined
          ? await billAndRecordMonth(deps, scratch, rates, month, triggers, biller)
          : await billOrShardMonth(deps, scratch, rates, { month, triggers, work: workFolder() }, prmsAShard, biller);
      return 'shards' in billed ? billed : billedMonth(billed);
    });
  }

  /** Notes in the month's pending record that its billing fails, with the requests it keeps (docs/billing.md). */
  async function noteBillingFailing(input: {
    readonly month: string;
    readonly failing: BillingFailing;
    readonly triggers: readonly BillingTrigger[];
  }): Promise<void> {
    await putBillingPending(deps.records, {
      month: input.month,
      failing: input.failing,
      triggers: [...input.triggers],
    });
  }

  /** Asks `billing/{month}` to bill (signal-with-start, on this activity's task queue). */
  async function requestBilling(input: { readonly month: string; readonly trigger: BillingTrigger }): Promise<void> {
    await askBilling(client, Context.current().info.taskQueue, input.month, input.trigger);
  }

  /**
   * Whether the day `date` stored C15 events: its `contract_events` Parquet says how many rows it
   * holds in its footer, read without DuckDB.
   */
  async function storedEvents(date: string): Promise<boolean> {
    try {
      const bytes = await deps.objects.get(storageKeys.processed(BILLING_DATASET, date, EVENT_TABLE));
      return parquetMetadata(bytes.slice().buffer).num_rows > 0n;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return false;
      throw error;
    }
  }

  /**
   * After a day of the billing dataset succeeded: each month it can move that holds a Parquet (billed,
   * its record written or not) is asked to bill again, the trigger naming the day and the flows it
   * read. A day's readings move its own month and, for a month's last day, the next one; a day with
   * C15 events moves every billed month from its own on (a back-dated exit ends the contract in each
   * of them). A month not billed yet is left to its schedule; one in its first billing finds the day
   * itself (`lateDays`). Resolves to the months asked.
   */
  async function requestLateBilling(input: { readonly date: string }): Promise<string[]> {
    // The months reading the day are looked at by their own keys; only a day with events lists every
    // billed month. A day of a month not billed yet (the daily run's case) reads no record.
    const months = (await storedEvents(input.date))
      ? (await billedMonths(deps.objects)).filter((month) => month >= monthOf(input.date))
      : await billedOf(monthsReadingDay(input.date));
    if (months.length === 0) return [];
    const run = await deps.records.getDayRun(BILLING_DATASET, input.date);
    const flows = (run?.inputs ?? []).map((f) => f.key);
    for (const month of months) await requestBilling({ month, trigger: { kind: 'late-day', date: input.date, flows } });
    return months;
  }

  /** The months of `months` that hold a Parquet, in their order. */
  async function billedOf(months: readonly string[]): Promise<string[]> {
    const billed = await Promise.all(months.map((month) => isBilledMonth(deps.objects, month)));
    return months.filter((_, i) => billed[i] === true);
  }

  return { billStoredMonth, noteBillingFailing, requestBilling, requestLateBilling };
}
