/**
 * `courant perimeter --date D [--prm P]… [--format table|csv|json]`: the contracts in force on the
 * Paris day D, from the stored C15 events. `courant billing --month YYYY-MM [--prm P]… [--format
 * table|csv|json]`: the month's billing elements per contract (docs/billing.md), also written for
 * analysts to `billing/month={YYYY-MM}/billing_elements.parquet`. Both read the stored Enedis days
 * with DuckDB; the rates files are checked first (a fault in them: exit 1 naming file, line, column).
 */
import type { Command } from 'commander';
import type { DuckDBConnection } from '@duckdb/node-api';
import { billMonth, readBillingParquet, type BillingMonth } from '../../billing/billing.js';
import { loadRates } from '../../billing/rates.js';
import { perimeterOn, storedMonthInput, withBillingScratch, writeStoredMonth } from '../../billing/stored-month.js';
import { createStorage } from '../../storage/index.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { billingKeys } from '../../workflow-safe/keys.js';
import { isPartitionDate } from '../../workflow-safe/partition.js';
import { isMonth } from '../../workflow-safe/periods.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { csvText, textTable } from '../text-table.js';

const FORMATS = ['table', 'csv', 'json'] as const;
type Format = (typeof FORMATS)[number];
const PRM = /^\d{14}$/;

function parseFormat(value: unknown): Format {
  const format = value ?? 'table';
  if (!FORMATS.includes(format as Format))
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  return format as Format;
}

function parsePrms(value: unknown): string[] {
  const prms = Array.isArray(value) ? value.map(String) : [];
  const bad = prms.find((p) => !PRM.test(p));
  if (bad !== undefined) throw new UsageError(`--prm: a PRM is 14 digits, got ${JSON.stringify(bad)}`);
  return prms;
}

const repeatable = (value: string, all: string[] = []) => [...all, value];

/** Runs `work` with the storage, a scratch folder and a DuckDB connection, closing all after. */
async function withBillingDb<T>(
  context: CommandContext,
  work: (tools: { objects: ObjectStore; dir: string; db: DuckDBConnection }) => Promise<T>,
): Promise<T> {
  const storage = await createStorage(context.config);
  try {
    return await withBillingScratch((scratch) => work({ objects: storage.objects, ...scratch }));
  } finally {
    await storage.close();
  }
}

function billingText(month: BillingMonth, format: 'table' | 'csv'): string {
  const header = [
    'prm',
    'contract',
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
    'problems',
    'note',
  ];
  const rows = month.contracts.map((c) => [
    c.prm,
    c.contract,
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
    c.problems.map((p) => p.code).join(' '),
    c.note,
  ]);
  return format === 'csv' ? csvText(header, rows) : textTable(header, rows);
}

export function registerBillingCommands(program: Command, context: () => CommandContext): void {
  program
    .command('perimeter')
    .description('the contracts in force on a day, from the stored Enedis C15 events')
    .requiredOption('--date <YYYY-MM-DD>', 'the Paris day')
    .option('--prm <id>', 'only this PRM (repeatable)', repeatable)
    .option('--format <format>', `${FORMATS.join(', ')} (default table)`)
    .action(async (options: Record<string, unknown>) => {
      const date = options.date;
      if (typeof date !== 'string' || !isPartitionDate(date))
        throw new UsageError(`--date: a day written YYYY-MM-DD, got ${JSON.stringify(date)}`);
      const prms = parsePrms(options.prm);
      const format = parseFormat(options.format);
      const ctx = context();
      const rows = await withBillingDb(ctx, ({ objects, dir, db }) => perimeterOn(objects, dir, db, date, prms));
      const header = ['prm', 'contract', 'since'];
      const cells = rows.map((r) => [r.prm, r.contract, r.since]);
      if (format === 'json') ctx.out.write(`${JSON.stringify({ date, prms: rows }, null, 2)}\n`);
      else ctx.out.write(format === 'csv' ? csvText(header, cells) : textTable(header, cells));
      ctx.err.write(`perimeter on ${date}: ${rows.length} contract${rows.length === 1 ? '' : 's'}\n`);
    });

  program
    .command('billing')
    .description(
      "a month's billing elements per contract: days, kVA, energy per class, TURPE and CTA (docs/billing.md)",
    )
    .requiredOption('--month <YYYY-MM>', 'the calendar month')
    .option('--prm <id>', 'only this PRM (repeatable; the Parquet for analysts is written for all only)', repeatable)
    .option('--format <format>', `${FORMATS.join(', ')} (default table)`)
    .action(async (options: Record<string, unknown>) => {
      const month = options.month;
      if (typeof month !== 'string' || !isMonth(month))
        throw new UsageError(`--month: a month written YYYY-MM, got ${JSON.stringify(month)}`);
      const prms = parsePrms(options.prm);
      const format = parseFormat(options.format);
      const rates = loadRates();
      const ctx = context();
      const billed = await withBillingDb(ctx, async ({ objects, dir, db }) => {
        if (prms.length > 0) return billMonth(db, rates, await storedMonthInput(objects, dir, month, prms));
        const { file } = await writeStoredMonth(objects, dir, db, rates, month);
        await objects.putFile(billingKeys.month(month), file);
        return {
          month,
          contracts: await readBillingParquet(db, file, { prms, offset: 0, limit: Number.MAX_SAFE_INTEGER }),
        };
      });
      if (format === 'json') ctx.out.write(`${JSON.stringify(billed, null, 2)}\n`);
      else ctx.out.write(billingText(billed, format));
      const problems = billed.contracts.filter((c) => c.problems.length > 0).length;
      ctx.err.write(
        `billing ${month}: ${billed.contracts.length} contract${billed.contracts.length === 1 ? '' : 's'}, ${problems} with problems` +
          `${prms.length === 0 ? ` → ${billingKeys.month(month)}` : ''}\n`,
      );
    });
}
