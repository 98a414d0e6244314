/**
 * `courant perimeter --date D [--prm P]… [--format table|csv|json]`: the contracts in force on the
 * Paris day D, from the stored C15 events. `courant billing --month YYYY-MM [--prm P]… [--format
 * table|csv|json]`: the month's billing elements per contract (docs/billing.md), also written for
 * analysts to `billing/month={YYYY-MM}/billing_elements.parquet`. Both read the stored Enedis days
 * with DuckDB; the rates files are checked first (a fault in them: exit 1 naming file, line, column).
 */
import type { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeBillingParquet, writtenContracts, type ContractMonth } from '../../billing/billing.js';
import { eventsSql, perimeterSql } from '../../billing/contracts-sql.js';
import { writtenContractsJson, type ContractJsonBatch } from '../../billing/month-json.js';
import { loadRates } from '../../billing/rates.js';
import { storedBillingTables } from '../../billing/stored-tables.js';
import { openDuckDb } from '../../duckdb/duckdb.js';
import { createStorage } from '../../storage/index.js';
import { billingKeys } from '../../workflow-safe/keys.js';
import { isPartitionDate, nextDate, previousDate } from '../../workflow-safe/partition.js';
import { datesOfMonth, isMonth } from '../../workflow-safe/periods.js';
import { z } from 'zod';
import type { CommandContext, OutputStream } from '../context.js';
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

/** Runs `work` with the storage, a scratch folder and a DuckDB connection, closing all three after. */
async function withBillingDb<T>(
  context: CommandContext,
  work: (tools: {
    objects: Awaited<ReturnType<typeof createStorage>>['objects'];
    dir: string;
    db: Awaited<ReturnType<Awaited<ReturnType<typeof openDuckDb>>['connect']>>;
  }) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-billing-'));
  const storage = await createStorage(context.config);
  try {
    const instance = await openDuckDb({ tempDirectory: dir, memoryLimit: context.config.duckdbMemoryLimit });
    const db = await instance.connect();
    try {
      return await work({ objects: storage.objects, dir, db });
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const written = (out: OutputStream, text: string) =>
  new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));

/**
 * Writes the month as `JSON.stringify({ month, contracts }, null, 2)` would, a batch of contracts
 * (each already that text, `month-json.ts`) at a time, waiting for the stream to take each: a month
 * of any size in bounded memory.
 */
async function writeMonthJson(
  out: OutputStream,
  month: string,
  batches: AsyncIterable<ContractJsonBatch>,
): Promise<{ contracts: number; problems: number }> {
  await written(out, `{\n  "month": ${JSON.stringify(month)},\n  "contracts": [`);
  let contracts = 0;
  let problems = 0;
  for await (const batch of batches) {
    if (batch.texts.length === 0) continue;
    await written(out, `${contracts === 0 ? '' : ','}\n    ${batch.texts.join(',\n    ')}`);
    contracts += batch.texts.length;
    problems += batch.withProblems;
  }
  await written(out, `${contracts === 0 ? ']' : '\n  ]'}\n}\n`);
  return { contracts, problems };
}

const perimeterRowsSchema = z.array(z.object({ prm: z.string(), contract: z.string(), since: z.string() }));

function billingText(contracts: readonly ContractMonth[], format: 'table' | 'csv'): string {
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
  const rows = contracts.map((c) => [
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

export function definePerimeterCommand(command: Command, context: () => CommandContext): void {
  command
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
      const rows = await withBillingDb(ctx, async ({ objects, dir, db }) => {
        const { eventFiles } = await storedBillingTables(objects, dir, nextDate(date), []);
        const events = `(${eventsSql(eventFiles, `DATE '${nextDate(date)}'`)})`;
        return perimeterRowsSchema.parse(
          (await db.runAndReadAll(perimeterSql(events, `DATE '${date}'`, prms))).getRowObjectsJson(),
        );
      });
      const header = ['prm', 'contract', 'since'];
      const cells = rows.map((r) => [r.prm, r.contract, r.since]);
      if (format === 'json') ctx.out.write(`${JSON.stringify({ date, prms: rows }, null, 2)}\n`);
      else ctx.out.write(format === 'csv' ? csvText(header, cells) : textTable(header, cells));
      ctx.err.write(`perimeter on ${date}: ${rows.length} contract${rows.length === 1 ? '' : 's'}\n`);
    });
}

export function defineBillingCommand(command: Command, context: () => CommandContext): void {
  command
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
      const days = datesOfMonth(month);
      const first = days[0] ?? `${month}-01`;
      const last = days[days.length - 1] ?? first;
      const { contracts, problems } = await withBillingDb(ctx, async ({ objects, dir, db }) => {
        const tables = await storedBillingTables(objects, dir, nextDate(last), [previousDate(first), ...days]);
        const target = path.join(dir, 'billing_elements.parquet');
        await writeBillingParquet(db, rates, { month, prms, ...tables }, target);
        if (prms.length === 0) await objects.putFile(billingKeys.month(month), target);
        if (format === 'json') return writeMonthJson(ctx.out, month, writtenContractsJson(db, target));
        const all: ContractMonth[] = [];
        for await (const batch of writtenContracts(db, target)) all.push(...batch);
        ctx.out.write(billingText(all, format));
        return { contracts: all.length, problems: all.filter((c) => c.problems.length > 0).length };
      });
      ctx.err.write(
        `billing ${month}: ${contracts} contract${contracts === 1 ? '' : 's'}, ${problems} with problems` +
          `${prms.length === 0 ? ` → ${billingKeys.month(month)}` : ''}\n`,
      );
    });
}
