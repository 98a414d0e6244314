/**
 * `courant billing --month YYYY-MM [--format table|csv|json] [--no-wait]`: asks the month's
 * workflow `billing/{YYYY-MM}`, the month's only writer, to bill it (signal-with-start), waits for
 * it and prints the month's billing elements per contract as written (docs/billing.md), also at
 * `billing/month={YYYY-MM}/billing_elements.parquet` for analysts. With `--prm P`…, a read-only
 * preview of those PRMs from the stored days, the rates files checked first (a fault in them: exit
 * 1 naming file, line, column). `--changes`: what moved between two versions.
 */
import type { Command } from 'commander';
import { loadRates } from '../../billing/rates.js';
import { writeStoredMonth } from '../../billing/stored-month.js';
import { MIN_PARTITION_DATE, parisDateOf } from '../../workflow-safe/partition.js';
import { isMonth, monthOf } from '../../workflow-safe/periods.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { parseSince, printMonthChanges } from './billing-changes.js';
import { FORMATS, parseFormat, parsePrms, repeatable, withBillingDb } from './billing-options.js';
import { billingSummaryText, printMonth } from './billing-print.js';

/** The months billing takes: those of the days the pipeline runs (2012 on) to 2099, like the API. */
const FIRST_MONTH = MIN_PARTITION_DATE.slice(0, 7);
const LAST_MONTH = '2099-12';

/** `--month`: a month written YYYY-MM, FIRST_MONTH to LAST_MONTH. */
function parseBillingMonth(value: unknown): string {
  if (typeof value !== 'string' || !isMonth(value))
    throw new UsageError(`--month: a month written YYYY-MM, got ${JSON.stringify(value)}`);
  if (value < FIRST_MONTH || value > LAST_MONTH)
    throw new UsageError(`--month: a month from ${FIRST_MONTH} to ${LAST_MONTH}, got ${value}`);
  return value;
}

export function defineBillingCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--month <YYYY-MM>', 'the calendar month')
    .option(
      '--prm <id>',
      'only this PRM (repeatable): a read-only preview; the month is billed for good for all only',
      repeatable,
    )
    .option('--no-wait', "ask the month's workflow to bill it and return with its ID")
    .option('--format <format>', `${FORMATS.join(', ')} (default table)`)
    .option('--changes', "what moved between two of the month's versions, per contract, rather than bill it")
    .option('--since <version>', 'with --changes: the earlier version (default: the one before the latest)')
    .action(async (options: Record<string, unknown>) => {
      const month = parseBillingMonth(options.month);
      const prms = parsePrms(options.prm);
      const format = parseFormat(options.format);
      const ctx = context();
      if (options.changes === true) {
        if (prms.length > 0) throw new UsageError('--changes compares the whole month: drop --prm');
        await withBillingDb(ctx, (tools) => printMonthChanges(ctx, tools, month, parseSince(options.since), format));
        return;
      }
      if (options.since !== undefined) throw new UsageError('--since goes with --changes');
      if (prms.length === 0)
        await (await import('./billing-workflow.js')).billThroughWorkflow(ctx, month, format, options.wait !== false);
      else {
        const rates = loadRates();
        const preview = await withBillingDb(ctx, async ({ storage, dir, db }) => {
          const written = await writeStoredMonth(storage, dir, db, rates, month, { prms });
          return { totals: await printMonth(ctx, db, month, written.file, format), unusable: written.unusable };
        });
        ctx.err.write(billingSummaryText(month, preview.totals, preview.unusable, null));
        ctx.err.write(
          `  a preview of ${prms.length} PRM(s): nothing written (the month is billed for good without --prm)\n`,
        );
      }
      if (month >= monthOf(parisDateOf(new Date())))
        ctx.err.write(
          `  ${month} is not over: billed from the days stored so far; it is billed again when its days arrive\n`,
        );
    });
}
