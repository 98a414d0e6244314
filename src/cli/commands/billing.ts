/**
 * `courant billing --month YYYY-MM [--prm P]… [--format table|csv|json]`: the month's billing
 * elements per contract (docs/billing.md), also written for analysts to
 * `billing/month={YYYY-MM}/billing_elements.parquet`. It reads the stored Enedis days billing may
 * read with DuckDB; the rates files are checked first (a fault in them: exit 1 naming file, line,
 * column).
 */
import type { Command } from 'commander';
import os from 'node:os';
import { writtenContracts, type ContractMonth } from '../../billing/billing.js';
import { billingTotals, totalAmountText, type BillingTotals } from '../../billing/billing-record.js';
import { writtenContractsJson, type ContractJsonBatch } from '../../billing/month-json.js';
import { loadRates } from '../../billing/rates.js';
import { billAndRecordMonth } from '../../billing/bill-month.js';
import { waitForLease } from '../../storage/held-lease.js';
import { writeStoredMonth } from '../../billing/stored-month.js';
import { billingKeys } from '../../workflow-safe/keys.js';
import { MIN_PARTITION_DATE, parisDateOf } from '../../workflow-safe/partition.js';
import { isMonth, monthOf } from '../../workflow-safe/periods.js';
import type { CommandContext, OutputStream } from '../context.js';
import { UsageError } from '../errors.js';
import { writeJsonEndingInArray } from '../json-stream.js';
import { csvText, textTable } from '../text-table.js';
import { parseSince, printMonthChanges } from './billing-changes.js';
import { FORMATS, onceEach, parseFormat, parsePrms, repeatable, withBillingDb } from './billing-options.js';

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

export function defineBillingCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--month <YYYY-MM>', 'the calendar month')
    .option('--prm <id>', 'only this PRM (repeatable; the month is billed for good for all only)', repeatable)
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
      const rates = loadRates();
      const { totals, unusable } = await withBillingDb(ctx, async ({ storage, dir, db }) => {
        const billed =
          prms.length === 0
            ? await billAndRecordMonth(storage, { dir, db }, rates, month, [{ kind: 'manual' }], {
                holder: `courant billing on ${os.hostname()} (pid ${process.pid})`,
                whenHeld: waitForLease(
                  onceEach((held) =>
                    ctx.err.write(
                      `billing ${month}: waiting for the run writing it (${held.holder}, lease until ${new Date(held.until).toISOString()})\n`,
                    ),
                  ),
                ),
              })
            : await writeStoredMonth(storage, dir, db, rates, month, prms);
        const sums = await billingTotals(db, billed.file);
        if (format === 'json') await writeMonthJson(ctx.out, month, sums, writtenContractsJson(db, billed.file));
        else {
          const all: ContractMonth[] = [];
          for await (const batch of writtenContracts(db, billed.file)) all.push(...batch);
          ctx.out.write(billingText(all, format));
        }
        return { totals: sums, unusable: billed.unusable };
      });
      ctx.err.write(billingSummaryText(month, totals, unusable, prms.length === 0 ? billingKeys.month(month) : null));
      if (month >= monthOf(parisDateOf(new Date())))
        ctx.err.write(
          `  ${month} is not over: billed from the days stored so far; it is billed again when its days arrive\n`,
        );
    });
}
