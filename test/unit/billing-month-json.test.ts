/**
 * A written month's contracts as JSON texts made by DuckDB (`month-json.ts`) against the same rows
 * read back as objects and given to `JSON.stringify`, on months written by hand with the values that
 * print differently in SQL and in JavaScript: control characters and quotes in strings, integral
 * doubles, doubles with no short decimal, DECIMAL amounts with trailing zeros, nulls, empty lists.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writtenContracts } from '../../src/billing/billing.js';
import { MONTH_COLUMNS } from '../../src/billing/contract-month.js';
import { writtenContractsJson } from '../../src/billing/month-json.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-billing-json-');

/** Every ASCII character but NUL, and a few beyond (é, U+2028, an emoji), with a literal `\u001F` too. */
const ODD_TEXT = `'${Array.from({ length: 127 }, (_, i) => i + 1)
  .map((code) => (code === 39 ? "''" : String.fromCharCode(code)))
  .join('')}\\u001F é ${'\u2028'} 😀'`;

const period = (from: string, kva: string, fixed: string, fta = `'BTINFCU4'`) =>
  `{'from': '${from}', 'to': '2024-04-01', 'days': 12::INTEGER, 'fta': ${fta}, 'kva': ${kva}::DOUBLE, 'turpeFixedEur': ${fixed}::DECIMAL(18, 2)}`;
const problem = (code: string, message: string) => `{'code': ${code}, 'message': ${message}}`;

/** Rows in the written month's columns and types (`MONTH_COLUMNS`, in their order). */
const row = (values: {
  prm?: string;
  contract?: string;
  fta?: string;
  days?: string;
  meanKva?: string;
  periods?: string;
  kwh?: string;
  quality?: string;
  amounts?: readonly [string, string, string];
  problems?: string;
  note?: string;
}) => {
  const [fixed, variable, cta] = values.amounts ?? ['6.28', '8.95', '1.38'];
  const kwh = values.kwh ?? '100';
  const columns: Readonly<Record<string, string>> = {
    month: `'2024-03'`,
    prm: values.prm ?? `'99660599682036'`,
    contract: values.contract ?? `'C1'`,
    source: `'c15'`,
    fta: values.fta ?? `'BTINFCU4'`,
    days: values.days ?? '22',
    mean_kva: values.meanKva ?? '7.636',
    periods: values.periods ?? `[${period('2024-03-10', '6', '2.45')}]`,
    ...Object.fromEntries(['base', 'hp', 'hc', 'hph', 'hch', 'hpb', 'hcb'].map((c) => [c, kwh])),
    turpe_fixed_eur: fixed,
    turpe_variable_eur: variable,
    cta_eur: cta,
    incomplete: `['turpeFixedEur']`,
    quality: values.quality ?? `'real'`,
    problems: values.problems ?? `[]`,
    note: values.note ?? `'no event in the month'`,
  };
  return `SELECT ${MONTH_COLUMNS.map(([name, type]) => `(${columns[name] ?? 'NULL'})::${type} AS ${name}`).join(', ')}`;
};

async function written(name: string, rows: readonly string[]): Promise<string> {
  const file = path.join(scratch.dir, `${name}.parquet`);
  await scratch.connection.run(`COPY (${rows.join(' UNION ALL ')}) TO ${sqlString(file)} (FORMAT parquet)`);
  return file;
}

async function texts(file: string): Promise<{ texts: string[]; withProblems: number }> {
  const all: string[] = [];
  let withProblems = 0;
  for await (const batch of writtenContractsJson(scratch.connection, file)) {
    all.push(...batch.texts);
    withProblems += batch.withProblems;
  }
  return { texts: all, withProblems };
}

async function stringified(file: string): Promise<string[]> {
  const all: string[] = [];
  for await (const batch of writtenContracts(scratch.connection, file))
    all.push(...batch.map((c) => JSON.stringify(c, null, 2).replaceAll('\n', '\n    ')));
  return all;
}

describe("a written month's contracts as JSON", () => {
  it('gives, for every contract, the text JSON.stringify gives for the contract read back', async () => {
    const file = await written('odd', [
      row({}),
      row({
        prm: `'99660599682037'`,
        contract: ODD_TEXT,
        fta: 'NULL',
        meanKva: '0.1::DOUBLE + 0.2::DOUBLE',
        periods: `[${period('2024-03-01', '6.5', '2.40', ODD_TEXT)}, ${period('2024-03-20', '36', '0.00', 'NULL')}, ${period('2024-03-25', '-3', '1234567.89')}]`,
        kwh: '123456789.5',
        amounts: ['0.10', '100.00', '0.05'],
        problems: `[${problem(`'no_rate'`, ODD_TEXT)}, ${problem(`'missing_reading'`, `'at "2024-03-01 00:00"'`)}]`,
        note: ODD_TEXT,
      }),
      row({
        prm: `'99660599682038'`,
        contract: 'NULL',
        fta: 'NULL',
        days: '0',
        meanKva: 'NULL',
        periods: `[]`,
        kwh: 'NULL',
        quality: 'NULL',
        amounts: ['NULL', 'NULL', 'NULL'],
        note: `'event without a contract reference'`,
      }),
      row({ prm: `'99660599682039'`, meanKva: '-0.0', kwh: '0', quality: `'missing'`, amounts: ['0', '1e6', '3.5'] }),
    ]);
    const json = await texts(file);
    expect(json.texts).toEqual(await stringified(file));
    expect(json.texts).toHaveLength(4);
    expect(json.withProblems).toBe(1);
    expect(json.texts[1]).toContain('"meanKva": 0.30000000000000004');
    expect(json.texts[1]).toContain('\\u001f');
    expect(json.texts[1]).toContain('\\\\u001F');
  });

  it('refuses a file whose columns are not those of a month, naming the first that differs', async () => {
    const file = await written('renamed', [row({}).replace('AS note', 'AS remark')]);
    const note = MONTH_COLUMNS.findIndex(([name]) => name === 'note') + 1;
    await expect(texts(file)).rejects.toThrow(new RegExp(`column ${note} is remark VARCHAR, expected note VARCHAR`));
    const retyped = await written('retyped', [row({}).replace('(22)::INTEGER AS days', '22::BIGINT AS days')]);
    const days = MONTH_COLUMNS.findIndex(([name]) => name === 'days') + 1;
    await expect(texts(retyped)).rejects.toThrow(new RegExp(`column ${days} is days BIGINT, expected days INTEGER`));
  });

  it('stops on a null the shape cannot hold, naming the PRM and the column', async () => {
    const file = await written('no-note', [row({ note: 'NULL::VARCHAR' })]);
    await expect(texts(file)).rejects.toThrow(/PRM 99660599682036: note is null/);
    const noFrom = await written('no-from', [
      row({ periods: `[${period('2024-03-10', '6', '2.45')}]`.replace(`'2024-03-10'`, 'NULL::VARCHAR') }),
    ]);
    await expect(texts(noFrom)).rejects.toThrow(/PRM 99660599682036: periods.from is null/);
    const quality = await written('bad-quality', [row({ quality: `'guessed'` })]);
    await expect(texts(quality)).rejects.toThrow(/quality guessed is not one of/);
  });
});
