/**
 * `courant billing --month M` without `--prm`: the month billed by its workflow, the month's only
 * writer. Loaded by the command only then: Temporal's client (gRPC, protobufs: half a second of
 * start-up) is not loaded by `--changes` nor a `--prm` preview.
 */
import { currentVersion, getBillingRecord } from '../../billing/billing-record.js';
import { recordedMonthFile } from '../../billing/month-file.js';
import { requestBilling } from '../../client/request-billing.js';
import type { BillingMonthOutput } from '../../workflow-safe/billing.js';
import { billingKeys, workflowIds } from '../../workflow-safe/keys.js';
import { waitForBilling } from '../billing-wait.js';
import { connectCommandClient } from '../command-client.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError } from '../errors.js';
import { billingSummaryText, printMonth } from './billing-print.js';
import { withBillingDb, type Format } from './billing-options.js';

/**
 * Asks the month's workflow to bill it (its only writer), waits for it unless `wait` is false, then
 * prints the month as its record names it, with the version written.
 */
export async function billThroughWorkflow(
  ctx: CommandContext,
  month: string,
  format: Format,
  wait: boolean,
): Promise<void> {
  const { client, close } = await connectCommandClient(ctx);
  let output: BillingMonthOutput;
  try {
    const handle = await requestBilling(client, ctx.config.temporal.taskQueue, month, { kind: 'manual' });
    if (!wait) {
      ctx.out.write(`${handle.workflowId}\n`);
      ctx.err.write(
        `billing ${month}: asked ${handle.workflowId}, not waiting; \`courant billing --month ${month} --changes\` or the console says what it wrote\n`,
      );
      return;
    }
    ctx.err.write(
      `billing ${month}: asked ${handle.workflowId}; waiting for it (Ctrl-C stops the waiting, not the billing)\n`,
    );
    output = await waitForBilling(ctx, handle, month);
  } finally {
    await close();
  }
  const printed = await withBillingDb(ctx, async ({ storage, dir, db }) => {
    const record = await getBillingRecord(storage.records, month);
    const file = await recordedMonthFile(storage.objects, dir, month, record);
    if (record === null || file === null)
      throw new PipelineFailedError(`billing ${month}: the workflow ended but no billing is stored`);
    return { totals: await printMonth(ctx, db, month, file, format), record };
  });
  const version = currentVersion(printed.record);
  ctx.err.write(billingSummaryText(month, printed.totals, printed.record.unusableDays, billingKeys.month(month)));
  const omitted = printed.record.unusableDaysOmitted ?? 0;
  if (omitted > 0) ctx.err.write(`  and ${omitted} more day(s) not read (the record lists the first ones)\n`);
  ctx.err.write(
    `  version ${version.version} (${version.sha256.slice(0, 12)}), billed ${output.runs} time(s) by ${workflowIds.billing(month)}, ${output.changed === 0 ? 'figures unchanged' : 'figures moved'}\n`,
  );
}
