/** Asking a month's workflow `billing/{YYYY-MM}`, the month's only writer, to bill it (docs/billing.md, "When it runs"). */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { BILLING_SIGNALS, type BillingMonthInput, type BillingTrigger } from '../workflow-safe/billing.js';
import { workflowIds } from '../workflow-safe/keys.js';
import type { BillingMonthWorkflow } from '../workflow-safe/workflow-types.js';

/**
 * Signal-with-start of `billing/{month}` on `taskQueue` for `trigger`: the run in flight takes it,
 * else a new run starts. Resolves to the handle of the run that received it.
 */
export async function requestBilling(
  client: Client,
  taskQueue: string,
  month: string,
  trigger: BillingTrigger,
): Promise<WorkflowHandle<BillingMonthWorkflow>> {
  const args: [BillingMonthInput] = [{ month }];
  const handle = await client.workflow.signalWithStart<BillingMonthWorkflow, [BillingTrigger]>('billingMonth', {
    workflowId: workflowIds.billing(month),
    taskQueue,
    args,
    signal: BILLING_SIGNALS.bill,
    signalArgs: [trigger],
  });
  return client.workflow.getHandle<BillingMonthWorkflow>(handle.workflowId, handle.signaledRunId);
}
