/**
 * `courant billing --month YYYY-MM [--format table|csv|json] [--no-wait]`: asks the month's
 * workflow `billing/{YYYY-MM}`, the month's only writer, to bill it (signal-with-start), waits for
 * it and prints the month's billing elements per contract as written (docs/billing.md), also at
 * `billing/month={YYYY-MM}/billing_elements.parquet` for analysts. With `--prm P`…, a read-only
 * preview of those PRMs from the stored days, the rates files checked first (a fault in them: exit
 * 1 naming file, line, column). `--changes`: what moved between two versions.
 */
import type { Command } from 'commander';
import type { DuckDBConnection } from '@duckdb/node-api';
import { writtenContracts, type ContractMonth } from '../../billing/billing.js';
import {
  billingTotals,
  currentVersion,
  getBillingRecord,
  totalAmountText,
  type BillingTotals,
} from '../../billing/billing-record.js';
import { recordedMonthFile } from '../../billing/month-file.js';
import { requestBilling } from '../../client/request-billing.js';
import type { BillingMonthOutput } from '../../workflow-safe/billing.js';
import { billingKeys, workflowIds } from '../../workflow-safe/keys.js';
import { waitForBilling } from '../billing-wait.js';
import { connectCommandClient } from '../command-client.js';
import { PipelineFailedError, UsageError } from '../errors.js';
import { writtenContractsJson, type ContractJsonBatch } from '../../billing/month-json.js';
import { loadRates } from '../../billing/rates.js';
import { writeStoredMonth } from '../../billing/stored-month.js';
import { MIN_PARTITION_DATE, parisDateOf } from '../../workflow-safe/partition.js';
import { isMonth, monthOf } from '../../workflow-safe/periods.js';
import type { CommandContext, OutputStream } from '../context.js';
import { writeJsonEndingInArray } from '../json-stream.js';
import { csvText, textTable } from '../text-table.js';
import { parseSince, printMonthChanges } from './billing-changes.js';
import { FORMATS, parseFormat, parsePrms, repeatable, withBillingDb, type Format } from './billing-options.js';

/**
 * Writes the month as `JSON.stringify({ month, totals, contracts }, null, 2)` would, a batch of
 * contracts (each already that text, `month-json.ts`) at a time: a month of any size in bounded
 * memory.
 */
async function writeMonthJson(
  out: OutputStream,
  month: string,
  totals: BillingTotals,
  batches: AsyncIterable<ContractJsonBatch>,
): Promise<void> {
  const totalsText = JSON.stringify(totals, null, 2).replaceAll('\n', '\n  ');
  const texts = async function* () {
    for await (const batch of batches) yield batch.texts;
  };
  await writeJsonEndingInArray(
    out,
    `{\n  "month": ${JSON.stringify(month)},\n  "totals": ${totalsText},\n  "contracts": [`,
    texts(),
  );
}

function billingText(contracts: readonly ContractMonth[], format: 'table' | 'csv'): string {
  const header = [
    'prm',
    'contract',
    'source',
    'fta',
    'days',
    'mean_kva',
    'base_kwh',
    'hp_kwh',
    'hc_kwh',
    'quality',
    'turpe_fixed_eur',
    'turpe_variable_eur',
    'cta_eur',
    'incomplete',
    'problems',
    'note',
  ];
  const rows = contracts.map((c) => [
    c.prm,
    c.contract,
    c.source,
    c.fta,
    c.days,
    c.meanKva,
    c.energyKWh.base,
    c.energyKWh.hp,
    c.energyKWh.hc,
    c.quality,
    c.turpeFixedEur?.toFixed(2) ?? null,
    c.turpeVariableEur?.toFixed(2) ?? null,
    c.ctaEur?.toFixed(2) ?? null,
    c.incomplete.join(' '),
    c.problems.map((p) => p.code).join(' '),
    c.note,
  ]);
  return format === 'csv' ? csvText(header, rows) : textTable(header, rows);
}

/** The lines `courant billing` ends with: what the month holds, each total with what it leaves out, the days it could not read. */
function billingSummaryText(
  month: string,
  totals: BillingTotals,
  unusable: ReadonlyArray<{ readonly date: string; readonly why: string }>,
  key: string | null,
): string {
  const amount = (name: string, euros: number, leftOut: number) => {
    const text = totalAmountText(euros, leftOut, totals.billable);
    return `${name} ${text.value}${text.note === null ? '' : ` (${text.note})`}`;
  };
  const lines = [
    `billing ${month}: ${totals.contracts} row${totals.contracts === 1 ? '' : 's'}, ${totals.withProblems} with problems${key === null ? '' : ` → ${key}`}`,
    `  ${amount('TURPE fixed', totals.turpeFixedEur, totals.leftOut.turpeFixedEur)}; ` +
      `${amount('TURPE variable', totals.turpeVariableEur, totals.leftOut.turpeVariableEur)}; ` +
      `${amount('CTA', totals.ctaEur, totals.leftOut.ctaEur)}`,
    ...(totals.overlapPrmDays > 0
      ? [`  ${totals.overlapPrmDays} PRM-day(s) billed on two contracts (overlapping_contracts)`]
      : []),
    ...(totals.readingsWithoutContract > 0
      ? [`  ${totals.readingsWithoutContract} PRM(s) read without a contract (readings_without_contract)`]
      : []),
    ...unusable.map((d) => `  ${d.date} not read: ${d.why}`),
  ];
  return `${lines.join('\n')}\n`;
}

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

/** Prints the month's rows from `file` in `format`, then its totals; resolves to the totals. */
async function printMonth(
  ctx: CommandContext,
  db: DuckDBConnection,
  month: string,
  file: string,
  format: Format,
): Promise<BillingTotals> {
  const sums = await billingTotals(db, file);
  if (format === 'json') await writeMonthJson(ctx.out, month, sums, writtenContractsJson(db, file));
  else {
    const all: ContractMonth[] = [];
    for await (const batch of writtenContracts(db, file)) all.push(...batch);
    ctx.out.write(billingText(all, format));
  }
  return sums;
}

/**
 * Asks the month's workflow to bill it (its only writer), waits for it unless `wait` is false, then
 * prints the month as its record names it, with the version written.
 */
async function billThroughWorkflow(ctx: CommandContext, month: string, format: Format, wait: boolean): Promise<void> {
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
      if (prms.length === 0) await billThroughWorkflow(ctx, month, format, options.wait !== false);
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
