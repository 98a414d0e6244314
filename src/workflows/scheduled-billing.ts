import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { scheduledMonth } from '../workflow-safe/billing.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { isMonth } from '../workflow-safe/periods.js';
import { TemporalScheduledStartTime } from '../workflow-safe/search-attributes.js';
import { activityOptions } from './activity-options.js';

const request = proxyActivities<Activities>(activityOptions('billingRequest'));

export interface ScheduledBillingInput {
  /** Set only to pin the month by hand; the schedule passes nothing and the month comes from its nominal time. */
  readonly month?: string;
}

/**
 * scheduledBilling: the billing schedule's action. Derives the month from the schedule's nominal
 * time (`TemporalScheduledStartTime`: the Paris month before it), never from "now", and asks
 * `billing/{YYYY-MM}` to bill it (signal-with-start). Fails when the month cannot be known.
 */
export async function scheduledBilling(input: ScheduledBillingInput = {}): Promise<string> {
  const scheduled = workflowInfo().typedSearchAttributes.get(TemporalScheduledStartTime);
  const month = input.month ?? (scheduled ? scheduledMonth(scheduled) : undefined);
  if (month === undefined || !isMonth(month))
    throw ApplicationFailure.nonRetryable(
      `the month is unknown: start it with {"month":"YYYY-MM"} or from its schedule (got ${JSON.stringify(input.month)})`,
      ErrorType.MissingPartition,
    );
  await request.requestBilling({ month, trigger: { kind: 'schedule' } });
  return month;
}
