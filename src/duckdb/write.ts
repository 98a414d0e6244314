/**
 * Writes rows to a Parquet file with DuckDB: rows are streamed to newline-delimited JSON, then
 * DuckDB reads that file with declared column types and copies it to zstd Parquet, in the order
 * given (equal rows give byte-identical files). Memory stays
 * bounded by DuckDB's limit, whatever the number of rows (docs/architecture.md#duckdb-and-parquet).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { checkedColumns, sqlString, type ParquetColumn } from './columns.js';
import { copyToParquetSql } from './copy.js';

async function writeJsonLines(rows: Iterable<Record<string, unknown>>, path: string): Promise<number> {
  const out = createWriteStream(path);
  let count = 0;
  for (const row of rows) {
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    count += 1;
  }
  out.end();
  await once(out, 'finish');
  return count;
}

/** Writes `rows` to `targetPath` (overwritten) on a connection the caller holds; returns the number of rows written. */
export async function writeParquetRows(
  connection: DuckDBConnection,
  rows: Iterable<Record<string, unknown>>,
  columns: readonly ParquetColumn[],
  targetPath: string,
): Promise<number> {
  const cols = checkedColumns(columns);
  const staging = `${targetPath}.jsonl`;
  try {
    const count = await writeJsonLines(rows, staging);
    const declared = cols.map((c) => `${c.name}: '${c.type}'`).join(', ');
    const selected = cols.map((c) => c.name).join(', ');
    await connection.run(
      copyToParquetSql(
        `SELECT ${selected} FROM read_json(${sqlString(staging)}, format = 'newline_delimited', columns = {${declared}})`,
        targetPath,
      ),
    );
    return count;
  } finally {
    await rm(staging, { force: true });
  }
}
