/**
 * A month's billing, one workflow per month, `billing/{YYYY-MM}`, started or signalled with `bill`
 * (signal-with-start) by the billing schedule early in the next month, by a late day of the
 * billing dataset once the month was billed, or by an operator. Requests that arrive while the
 * month bills are billed once more after, together.
 */
import { continueAsNew, defineSignal, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  BILLING_SIGNALS,
  type BillingMonthInput,
  type BillingMonthOutput,
  type BillingTrigger,
} from '../workflow-safe/billing.js';
import { checkBillingMonthInput, checkBillingTrigger, InvalidInputError } from '../workflow-safe/inputs.js';
import { activityOptions } from './activity-options.js';
import { checkedInput } from './checked-input.js';

export const billRequested = defineSignal<[unknown]>(BILLING_SIGNALS.bill);

const billing = proxyActivities<Activities>(activityOptions('monthBilling'));

/**
 * billingMonth: bills the month (`billStoredMonth`) until no request is left, then ends. Each run
 * bills for every request received before it started, and records them as its reasons. A request
 * that is not a trigger is logged and dropped (it cannot be billed for). Idempotent: a run with
 * nothing new leaves the month's Parquet byte-identical. A failed billing fails the run.
 */
export async function billingMonth(rawInput: BillingMonthInput): Promise<BillingMonthOutput> {
  const { month, pending: carried } = checkedInput(checkBillingMonthInput, rawInput);
  const pending: BillingTrigger[] = [...(carried ?? [])];
  setHandler(billRequested, (request) => {
    try {
      pending.push(checkBillingTrigger(request));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      log.warn('a billing request that is not a trigger was dropped', { month, error: error.message });
    }
  });
  let runs = 0;
  let changed = 0;
  while (pending.length > 0) {
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof billingMonth>({ month, pending });
    const triggers = pending.splice(0);
    const billed = await billing.billStoredMonth({ month, triggers });
    runs += 1;
    if (billed.changed) changed += 1;
  }
  log.info('month billed', { month, runs, changed });
  return { month, runs, changed };
}
