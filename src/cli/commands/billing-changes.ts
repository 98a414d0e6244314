/**
 * `courant billing --month M --changes [--since V] [--format table|csv|json]`: the contracts whose
 * figures moved between two versions of the month (docs/billing.md, "Corrections"), with the
 * figures before and after, the delta of each amount and the versions' causes. Reads the stored
 * versions only: never bills.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import path from 'node:path';
import {
  monthChanges,
  writeMonthChangesJson,
  type ContractChange,
  type MonthFigures,
} from '../../billing/month-changes.js';
import type { BillingStorage } from '../../billing/stored-month.js';
import { causeText } from '../../billing/version-cause.js';
import { getBillingRecord } from '../../billing/billing-record.js';
import {
  UnknownVersionError,
  versionFiles,
  versionsCompared,
  type VersionsCompared,
} from '../../billing/version-changes.js';
import type { CommandContext, OutputStream } from '../context.js';
import { UsageError } from '../errors.js';
import { writeJsonLinesEndingInArray } from '../json-stream.js';
import { csvText, textTable } from '../text-table.js';

/** `--since`: a version, a whole number ≥ 1; undefined when absent. */
export function parseSince(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9]\d{0,5}$/.test(value))
    throw new UsageError(`--since: a version, a whole number from 1, got ${JSON.stringify(value)}`);
  return Number(value);
}

const AMOUNTS = ['turpeFixedEur', 'turpeVariableEur', 'ctaEur'] as const;
const AMOUNT_COLUMNS = { turpeFixedEur: 'turpe_fixed_eur', turpeVariableEur: 'turpe_variable_eur', ctaEur: 'cta_eur' };
const FIGURES: ReadonlyArray<readonly [string, (f: MonthFigures) => number | string | null]> = [
  ['days', (f) => f.days],
  ['mean_kva', (f) => f.meanKva],
  ['energy_base_kwh', (f) => f.energyBaseKWh],
  ['quality', (f) => f.quality],
  ['problems', (f) => f.problems.join(' ')],
];

const euros = (value: number | null) => (value === null ? '' : value.toFixed(2));
const signed = (value: number | null) => (value === null ? '–' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`);
const valueOf = (figures: MonthFigures | null, pick: (f: MonthFigures) => number | string | null) =>
  figures === null ? '' : String(pick(figures) ?? '');

const CSV_HEADER = [
  'prm',
  'contract',
  'change',
  ...FIGURES.flatMap(([name]) => [`${name}_before`, `${name}_after`]),
  ...AMOUNTS.flatMap((a) => [
    `${AMOUNT_COLUMNS[a]}_before`,
    `${AMOUNT_COLUMNS[a]}_after`,
    `${AMOUNT_COLUMNS[a]}_delta`,
  ]),
];
const csvRow = (c: ContractChange) => [
  c.prm,
  c.contract,
  c.change,
  ...FIGURES.flatMap(([, pick]) => [valueOf(c.before, pick), valueOf(c.after, pick)]),
  ...AMOUNTS.flatMap((a) => [euros(c.before?.[a] ?? null), euros(c.after?.[a] ?? null), euros(c.deltaEur[a])]),
];

const TABLE_HEADER = [
  'prm',
  'contract',
  'change',
  'days',
  'TURPE fixed €',
  'TURPE variable €',
  'CTA €',
  'quality',
  'problems',
];
const span = (c: ContractChange, pick: (f: MonthFigures) => number | string | null) =>
  `${valueOf(c.before, pick) || '∅'} → ${valueOf(c.after, pick) || '∅'}`;
const tableRow = (c: ContractChange) => [
  c.prm,
  c.contract,
  c.change,
  span(c, (f) => f.days),
  ...AMOUNTS.map((a) => `${span(c, (f) => (f[a] === null ? null : f[a].toFixed(2)))} (${signed(c.deltaEur[a])})`),
  span(c, (f) => f.quality),
  span(c, (f) => f.problems.join(' ')),
];

/**
 * The changes as JSON: the contracts' texts written by DuckDB to a file in `dir` (a month's changes
 * run to tens of MB), then sent on as bytes a chunk at a time; resolves to how many.
 */
async function writeChangesJson(
  out: OutputStream,
  scratch: { readonly dir: string; readonly db: DuckDBConnection },
  compared: VersionsCompared,
  files: { readonly fromFile: string; readonly toFile: string },
): Promise<number> {
  const file = path.join(scratch.dir, 'changes.json');
  await writeMonthChangesJson(scratch.db, files.fromFile, files.toFile, file);
  const head = JSON.stringify({ ...compared, contracts: [] }, null, 2);
  return writeJsonLinesEndingInArray(out, `${head.slice(0, head.lastIndexOf('[]'))}[`, file);
}

export async function printMonthChanges(
  ctx: CommandContext,
  tools: { storage: BillingStorage; dir: string; db: DuckDBConnection },
  month: string,
  since: number | undefined,
  format: 'table' | 'csv' | 'json',
): Promise<void> {
  const record = await getBillingRecord(tools.storage.records, month);
  if (record === null) throw new UsageError(`--month: ${month} is not billed yet: nothing to compare`);
  const compared = (() => {
    try {
      return versionsCompared(record, since);
    } catch (error) {
      if (error instanceof UnknownVersionError) throw new UsageError(`--since: ${error.message}`, { cause: error });
      throw error;
    }
  })();
  const files = await versionFiles(tools.storage.objects, tools.dir, compared);
  let moved: number;
  if (format === 'json') moved = await writeChangesJson(ctx.out, tools, compared, files);
  else {
    const { contracts } = await monthChanges(tools.db, files.fromFile, files.toFile);
    ctx.out.write(
      format === 'csv' ? csvText(CSV_HEADER, contracts.map(csvRow)) : textTable(TABLE_HEADER, contracts.map(tableRow)),
    );
    moved = contracts.length;
  }
  ctx.err.write(
    `${month}: ${moved} contract(s) moved from v${compared.from.version} to v${compared.to.version}` +
      (compared.causes.length === 0
        ? '\n'
        : `, because of:\n${compared.causes.map((v) => `  ${causeText(v)}`).join('\n')}\n`),
  );
}
