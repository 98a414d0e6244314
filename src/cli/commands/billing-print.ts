/** How `courant billing` prints a month: its rows (table, csv, json) from its Parquet, then its totals. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { writtenContracts, type ContractMonth } from '../../billing/billing.js';
import { billingTotals, totalAmountText, type BillingTotals } from '../../billing/billing-record.js';
import { writtenContractsJson, type ContractJsonBatch } from '../../billing/month-json.js';
import type { CommandContext, OutputStream } from '../context.js';
import { writeJsonEndingInArray } from '../json-stream.js';
import { csvText, textTable } from '../text-table.js';
import type { Format } from './billing-options.js';

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
export function billingSummaryText(
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

/** Prints the month's rows from `file` in `format`, then its totals; resolves to the totals. */
export async function printMonth(
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
