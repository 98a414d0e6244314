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
import { contractJsonText, MONTH_COLUMNS } from './contract-month.js';

const describedSchema = z.array(z.object({ column_name: z.string(), column_type: z.string() }));

/** The columns of `relation` as DuckDB describes them (`name TYPE`), in order. */
async function describedColumns(db: DuckDBConnection, relation: string): Promise<string[]> {
  const described = describedSchema.parse(
    (await db.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${relation})`)).getRowObjectsJson(),
  );
  return described.map((c) => `${c.column_name} ${c.column_type}`);
}

/** Refuses a file whose columns are not `MONTH_COLUMNS` (names, types, order), naming the first that differs. */
export async function checkWrittenColumns(db: DuckDBConnection, file: string): Promise<void> {
  const found = await describedColumns(db, `SELECT * FROM read_parquet(${sqlString(file)})`);
  const wanted = await describedColumns(
    db,
    `SELECT ${MONTH_COLUMNS.map(([name, type]) => `NULL::${type} AS ${name}`).join(', ')}`,
  );
  const at = wanted.findIndex((column, i) => found[i] !== column);
  if (at >= 0 || found.length !== wanted.length)
    throw new Error(
      `${file}: not a month's billing elements: column ${at >= 0 ? at + 1 : wanted.length + 1} is ` +
        `${found[at >= 0 ? at : wanted.length] ?? 'missing'}, expected ${wanted[at] ?? 'none'}`,
    );
}

/** Per row of the written month `file`, in its order: `json` (the contract's text, see the module's doc) and `with_problems`. */
export function contractJsonSql(file: string): string {
  return `SELECT ${contractJsonText()} AS json, len(problems) > 0 AS with_problems FROM read_parquet(${sqlString(file)})`;
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
