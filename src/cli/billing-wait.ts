/**
 * Waiting for a month's workflow `billing/{YYYY-MM}` to have billed what `courant billing` asked:
 * its runs followed to the end (over continue-as-new), and what it is doing said on stderr each
 * time it changes (billing, failing and why, tried again when), from its `state` query.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { BillingMonthOutput, BillingMonthState } from '../workflow-safe/billing.js';
import { BILLING_QUERIES } from '../workflow-safe/billing.js';
import type { BillingMonthWorkflow } from '../workflow-safe/workflow-types.js';
import type { CommandContext } from './context.js';
import { failureChain } from '../client/failure-text.js';
import { PipelineFailedError } from './errors.js';
import { pauseUnless } from './pause.js';

/** How often the workflow is asked what it does while the command waits. */
const LOOK_EVERY_MS = 2_000;

/** One line of what the month's workflow does now. */
function stateLine(month: string, state: BillingMonthState): string {
  const failing = state.failing;
  if (failing !== null)
    return (
      `billing ${month}: failing since ${failing.since} (${failing.attempts} time(s)): ${failing.why}` +
      (failing.nextAt === undefined ? '' : `; tried again at ${failing.nextAt}`)
    );
  if (state.billing.length > 0) return `billing ${month}: billing for ${state.billing.map((t) => t.kind).join(', ')}`;
  return `billing ${month}: ${state.pending.length} request(s) waiting`;
}

/** Waits for the run of `handle` and the runs it continues as; fails (exit 1) with the workflow's reason. */
export async function waitForBilling(
  ctx: CommandContext,
  handle: WorkflowHandle<BillingMonthWorkflow>,
  month: string,
): Promise<BillingMonthOutput> {
  const done = new AbortController();
  const watching = (async () => {
    let told = '';
    while (!done.signal.aborted) {
      const line = await handle.query<BillingMonthState>(BILLING_QUERIES.state).then(
        (state) => stateLine(month, state),
        (error: unknown) =>
          `billing ${month}: no worker answers yet on ${ctx.config.temporal.taskQueue} (${failureChain(error)})`,
      );
      if (line !== told && !done.signal.aborted) ctx.err.write(`${line}\n`);
      told = line;
      await pauseUnless(LOOK_EVERY_MS, done.signal);
    }
  })();
  try {
    return await handle.result();
  } catch (error) {
    if (error instanceof WorkflowFailedError)
      throw new PipelineFailedError(`billing ${month} failed: ${failureChain(error)}`, { cause: error });
    throw error;
  } finally {
    done.abort();
    await watching;
  }
}
