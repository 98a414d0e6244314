/** Monthly billing activities: billing a month from the stored days, and asking `billing/{YYYY-MM}` to bill. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { billingPeriod, billingTotals, getBillingRecord, putBillingRecord } from '../billing/billing-record.js';
import { loadRates } from '../billing/rates.js';
import { withBillingScratch, writeStoredMonth } from '../billing/stored-month.js';
import { sha256OfFile } from '../storage/file-hash.js';
import {
  BILLING_DATASET,
  BILLING_SIGNALS,
  monthsReadingDay,
  type BilledMonth,
  type BillingMonthInput,
  type BillingTrigger,
} from '../workflow-safe/billing.js';
import { billingKeys, workflowIds } from '../workflow-safe/keys.js';
import type { BillingMonthWorkflow } from '../workflow-safe/workflow-types.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';

export function createBillingActivities(deps: ActivityDeps, client: Client) {
  /**
   * Bills `month` from what the Enedis days stored (docs/billing.md) and records why. Writes the
   * month's Parquet only when its bytes differ from the stored ones, so a run with nothing new
   * leaves it byte-identical; the record always gets the run. Idempotent. A rates file at fault
   * fails it for good (bad data), a store that does not answer is retried.
   */
  async function billStoredMonth(input: {
    readonly month: string;
    readonly triggers: readonly BillingTrigger[];
  }): Promise<BilledMonth> {
    const rates = await classifyingBadData(() => loadRates());
    return withBillingScratch(async ({ dir, db }) => {
      const { file, contracts, unusable } = await writeStoredMonth(deps, dir, db, rates, input.month);
      const sha256 = await sha256OfFile(file);
      const before = await getBillingRecord(deps.records, input.month);
      const key = billingKeys.month(input.month);
      const stored = before?.sha256 === sha256 && (await deps.objects.head(key)) !== null;
      if (!stored) await deps.objects.putFile(key, file);
      const totals = await billingTotals(db, file);
      const at = new Date().toISOString();
      await putBillingRecord(deps.records, {
        month: input.month,
        totals,
        unusableDays: unusable,
        sha256,
        at,
        triggers: input.triggers,
        before,
      });
      return { month: input.month, contracts, sha256, changed: before?.sha256 !== sha256 };
    }, deps.scratchDir);
  }

  /** Asks `billing/{month}` to bill (signal-with-start, on this activity's task queue). */
  async function requestBilling(input: { readonly month: string; readonly trigger: BillingTrigger }): Promise<void> {
    const args: [BillingMonthInput] = [{ month: input.month }];
    await client.workflow.signalWithStart<BillingMonthWorkflow, [BillingTrigger]>('billingMonth', {
      workflowId: workflowIds.billing(input.month),
      taskQueue: Context.current().info.taskQueue,
      args,
      signal: BILLING_SIGNALS.bill,
      signalArgs: [input.trigger],
    });
  }

  /**
   * After a day of the billing dataset succeeded: each month reading that day that was already
   * billed is asked to bill again, the trigger naming the day and the flows it read. A month not
   * billed yet is left to its schedule. Resolves to the months asked.
   */
  async function requestLateBilling(input: { readonly date: string }): Promise<string[]> {
    const billed: string[] = [];
    for (const month of monthsReadingDay(input.date))
      if ((await deps.records.getReport(billingPeriod(month))) !== null) billed.push(month);
    if (billed.length === 0) return [];
    const run = await deps.records.getDayRun(BILLING_DATASET, input.date);
    const flows = (run?.inputs ?? []).map((f) => f.key);
    for (const month of billed) await requestBilling({ month, trigger: { kind: 'late-day', date: input.date, flows } });
    return billed;
  }

  return { billStoredMonth, requestBilling, requestLateBilling };
}
