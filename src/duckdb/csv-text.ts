/**
 * Text a spreadsheet would run as a formula when it opens a CSV: a cell starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return (OWASP, CSV injection). Such text is written behind a single
 * quote; numbers are never touched.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier } from './columns.js';

export const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * `query` with each of its text columns neutralised as above, for a CSV written by DuckDB's COPY;
 * other columns (numbers, timestamps) unchanged.
 */
export async function csvSafeQuery(db: DuckDBConnection, query: string): Promise<string> {
  const columns = (await db.runAndReadAll(`DESCRIBE (${query})`)).getRowObjects();
  const replaced = columns
    .filter((column) => String(column.column_type) === 'VARCHAR')
    .map((column) => {
      const name = sqlIdentifier(String(column.column_name));
      return `CASE WHEN regexp_matches(${name}, '^[=+\\-@\\t\\r]') THEN '''' || ${name} ELSE ${name} END AS ${name}`;
    });
  return replaced.length === 0 ? query : `SELECT * REPLACE (${replaced.join(', ')}) FROM (${query})`;
}
