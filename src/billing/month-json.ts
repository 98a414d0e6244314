/**
 * A written month (`billing_elements.parquet`, the columns of `month-sql.ts`) as the contracts of
 * `courant billing --format json`, each written by DuckDB as the text `JSON.stringify(contract,
 * null, 2)` gives for the `ContractMonth` that `writtenContracts` reads from the same row, indented
 * by four spaces (an element of the document's `contracts`): a month of any size is never read back
 * into JavaScript objects.
 *
 * The file is courant's own, written a moment before by `writeBillingParquet`: its columns and their
 * types are checked once (`checkWrittenColumns`), and every value the JavaScript shape cannot hold
 * as null stops the query naming the PRM and the column. Numbers come out as JavaScript prints them:
 * a DOUBLE or a DECIMAL as the shortest text that reads back as the same double, an integral one
 * without `.0` (every value a month holds: amounts in cents, kVA in thousandths, kWh, all far below
 * 2^53). Strings are escaped as `JSON.stringify` does (control characters as `\u00xx`, lower case).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlString } from '../duckdb/columns.js';

/** The columns of a written month and their DuckDB types, in the file's order. */
export const MONTH_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['month', 'VARCHAR'],
  ['prm', 'VARCHAR'],
  ['contract', 'VARCHAR'],
  ['fta', 'VARCHAR'],
  ['days', 'INTEGER'],
  ['mean_kva', 'DOUBLE'],
  [
    'periods',
    'STRUCT("from" VARCHAR, "to" VARCHAR, "days" INTEGER, fta VARCHAR, kva DOUBLE, turpeFixedEur DECIMAL(18,2))[]',
  ],
  ['hph', 'DOUBLE'],
  ['hch', 'DOUBLE'],
  ['hpb', 'DOUBLE'],
  ['hcb', 'DOUBLE'],
  ['hp', 'DOUBLE'],
  ['hc', 'DOUBLE'],
  ['base', 'DOUBLE'],
  ['quality', 'VARCHAR'],
  ['turpe_fixed_eur', 'DECIMAL(18,2)'],
  ['turpe_variable_eur', 'DECIMAL(18,2)'],
  ['cta_eur', 'DECIMAL(18,2)'],
  ['problems', 'STRUCT(code VARCHAR, message VARCHAR)[]'],
  ['note', 'VARCHAR'],
];

const describedSchema = z.array(z.object({ column_name: z.string(), column_type: z.string() }));

/** Refuses a file whose columns are not `MONTH_COLUMNS` (names, types, order), naming the first that differs. */
export async function checkWrittenColumns(db: DuckDBConnection, file: string): Promise<void> {
  const described = describedSchema.parse(
    (
      await db.runAndReadAll(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(file)}))`,
      )
    ).getRowObjectsJson(),
  );
  const found = described.map((c) => `${c.column_name} ${c.column_type}`);
  const wanted = MONTH_COLUMNS.map(([name, type]) => `${name} ${type}`);
  const at = wanted.findIndex((column, i) => found[i] !== column);
  if (at >= 0 || found.length !== wanted.length)
    throw new Error(
      `${file}: not a month's billing elements: column ${at >= 0 ? at + 1 : wanted.length + 1} is ` +
        `${found[at >= 0 ? at : wanted.length] ?? 'missing'}, expected ${wanted[at] ?? 'none'}`,
    );
}

const NAMED_ESCAPES: Readonly<Record<number, string>> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/**
 * `value` (VARCHAR) as a JSON string, or `null`. DuckDB's `to_json` escapes as `JSON.stringify` does
 * but writes `\u00XX` in upper case: a text where it wrote a `\u00` is escaped again character by
 * character (backslash and quote first, so that no escape is escaped twice).
 */
function jsonString(value: string): string {
  const controls = Array.from({ length: 32 }, (_, code) => code).reduce(
    (text, code) =>
      `replace(${text}, chr(${code}), ${sqlString(NAMED_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, '0')}`)})`,
    `replace(replace(${value}, '\\', '\\\\'), '"', '\\"')`,
  );
  return `CASE WHEN ${value} IS NULL THEN 'null'
    WHEN contains(to_json(${value})::VARCHAR, '\\u00') THEN '"' || ${controls} || '"'
    ELSE to_json(${value})::VARCHAR END`;
}

/** `value` (DOUBLE) as JavaScript prints the number, or `null`. */
const jsonNumber = (value: string) =>
  `CASE WHEN ${value} IS NULL THEN 'null'
    WHEN ${value} = trunc(${value}) AND abs(${value}) < 9007199254740992 THEN (${value})::BIGINT::VARCHAR
    ELSE (${value})::VARCHAR END`;

/** A DECIMAL amount as JavaScript prints `Number` of its text. */
const jsonAmount = (value: string) => jsonNumber(`(${value})::DOUBLE`);

/** `value`, which the JavaScript shape cannot hold as null: a null stops the query. */
const required = (value: string, column: string) =>
  `CASE WHEN ${value} IS NULL THEN error('billing elements of PRM ' || coalesce(prm, 'none') || ': ${column} is null') ELSE ${value} END`;

const pad = (depth: number) => ' '.repeat(depth);

/** An object at `depth` spaces: its fields (name, SQL text of the JSON value) one a line, two spaces further in. */
function jsonObject(depth: number, fields: ReadonlyArray<readonly [string, string]>): string {
  const parts = fields.map(([name, value], i) => `'${i === 0 ? '{' : ','}\n${pad(depth + 2)}"${name}": ' || ${value}`);
  return `${parts.join(' || ')} || '\n${pad(depth)}}'`;
}

/** A list at `depth` spaces, each element (`element` of the lambda's `x`) two spaces further in; `[]` when empty. */
const jsonList = (list: string, depth: number, element: string) =>
  `CASE WHEN len(${list}) = 0 THEN '[]' ELSE '[\n${pad(depth + 2)}' ||
    array_to_string(list_transform(${list}, x -> ${element}), ',\n${pad(depth + 2)}') || '\n${pad(depth)}]' END`;

const QUALITIES = `('real', 'estimated', 'missing')`;

/** Per row of the written month `file`, in its order: `json` (the contract's text, see the module's doc) and `with_problems`. */
export function contractJsonSql(file: string): string {
  const period = jsonObject(8, [
    ['from', jsonString(required('x."from"', 'periods.from'))],
    ['to', jsonString(required('x."to"', 'periods.to'))],
    ['days', required('x."days"::VARCHAR', 'periods.days')],
    ['fta', jsonString('x.fta')],
    ['kva', jsonNumber('x.kva')],
    ['turpeFixedEur', jsonAmount('x.turpeFixedEur')],
  ]);
  const problem = jsonObject(8, [
    ['code', jsonString(required('x.code', 'problems.code'))],
    ['message', jsonString(required('x.message', 'problems.message'))],
  ]);
  const energy = jsonObject(
    6,
    ['base', 'hp', 'hc', 'hph', 'hch', 'hpb', 'hcb'].map((c) => [c, jsonNumber(c)] as const),
  );
  const contract = jsonObject(4, [
    ['prm', jsonString(required('prm', 'prm'))],
    ['contract', jsonString('contract')],
    ['fta', jsonString('fta')],
    ['days', required('days::VARCHAR', 'days')],
    ['meanKva', jsonNumber('mean_kva')],
    ['periods', jsonList(required('periods', 'periods'), 6, period)],
    ['energyKWh', energy],
    ['turpeFixedEur', jsonAmount('turpe_fixed_eur')],
    ['turpeVariableEur', jsonAmount('turpe_variable_eur')],
    ['ctaEur', jsonAmount('cta_eur')],
    [
      'quality',
      `CASE WHEN quality IS NULL OR quality IN ${QUALITIES} THEN ${jsonString('quality')}
        ELSE error('billing elements of PRM ' || prm || ': quality ' || quality || ' is not one of ${QUALITIES.replaceAll("'", '')}') END`,
    ],
    ['problems', jsonList(required('problems', 'problems'), 6, problem)],
    ['note', jsonString(required('note', 'note'))],
  ]);
  return `SELECT ${contract} AS json, len(problems) > 0 AS with_problems FROM read_parquet(${sqlString(file)})`;
}

/** A batch of contracts as JSON texts, and how many of them have problems. */
export interface ContractJsonBatch {
  readonly texts: readonly string[];
  readonly withProblems: number;
}

/**
 * The contracts of a month's Parquet (`writeBillingParquet`) as JSON texts, in batches and in the
 * file's order (PRM, then contract), after its columns are checked.
 */
export async function* writtenContractsJson(db: DuckDBConnection, file: string): AsyncGenerator<ContractJsonBatch> {
  await checkWrittenColumns(db, file);
  await db.run('SET preserve_insertion_order = true');
  try {
    const result = await db.stream(contractJsonSql(file));
    for (
      let chunk = await result.fetchChunk();
      chunk !== null && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      const texts = z.array(z.string()).parse(chunk.getColumnValues(0));
      const withProblems = chunk.getColumnValues(1).filter((flag) => flag === true).length;
      yield { texts, withProblems };
    }
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
}
