/**
 * After `courant perimeter import` added contracts to the go-live snapshot: each month already
 * billed from the month of the earliest `since` added on is asked to bill again through its
 * workflow `billing/{YYYY-MM}` (the trigger names the imported file's key), and the command says
 * which. A month that could not be asked (Temporal unreachable, a request refused) is named and
 * the command fails (exit 1): the snapshot is stored, importing the file again adds nothing and so
 * asks nothing, and `courant billing --month M` bills the month (docs/billing.md, "Going live").
 */
import { describeWithCauses } from '../faults/cause-chain.js';
import type { BillingTrigger } from '../workflow-safe/billing.js';
import type { CommandContext } from './context.js';
import { PipelineFailedError } from './errors.js';

interface NotAsked {
  readonly months: readonly string[];
  readonly error: unknown;
}

/** The refusal naming the months not asked, why, and what bills them. */
function notAskedError(from: string, failures: readonly NotAsked[]): PipelineFailedError {
  const months = failures.flatMap((f) => f.months);
  const why = failures.map((f) => `${f.months.join(', ')}: ${describeWithCauses(f.error)}`).join('\n');
  return new PipelineFailedError(
    `the snapshot is stored, but the month(s) billed from ${from} on could not all be asked to bill again; ` +
      `not asked: ${months.join(', ')} — bill each with courant billing --month M (importing the file again asks nothing)\n${why}`,
    { cause: failures[0]?.error },
  );
}

/** Asks each of `months` (billed, from `from` on) to bill again for the import `snapshot` (see the module's doc). */
export async function requestSnapshotRebilling(
  ctx: CommandContext,
  from: string,
  months: readonly string[],
  snapshot: string,
): Promise<void> {
  if (months.length === 0) {
    ctx.err.write(`no month billed from ${from} on: none asked to bill again\n`);
    return;
  }
  const trigger: BillingTrigger = { kind: 'snapshot', snapshot };
  // Loaded only now: Temporal's client takes longer to load than a month's request, and an import
  // with no month to ask needs none.
  const [{ connectCommandClient }, { requestBilling }] = await Promise.all([
    import('./command-client.js'),
    import('../client/request-billing.js'),
  ]);
  const connected = await connectCommandClient(ctx).catch((error: unknown) => {
    throw notAskedError(from, [{ months, error }]);
  });
  const asked: string[] = [];
  const failures: NotAsked[] = [];
  try {
    for (const month of months) {
      await requestBilling(connected.client, ctx.config.temporal.taskQueue, month, trigger).then(
        () => asked.push(month),
        (error: unknown) => failures.push({ months: [month], error }),
      );
    }
  } finally {
    await connected.close();
  }
  if (asked.length > 0)
    ctx.err.write(`asked to bill again (billed from ${from} on, workflows billing/{YYYY-MM}): ${asked.join(', ')}\n`);
  if (failures.length > 0) throw notAskedError(from, failures);
}
