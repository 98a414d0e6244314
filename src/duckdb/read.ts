/** Reads a Parquet file back into JSON-safe rows; timestamps come out as ISO-8601 UTC strings. */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { checkedColumns, sqlString, type ParquetColumn } from './columns.js';

export type ParquetRow = Record<string, string | number | null>;

export async function readParquetFile(
  db: DuckDBInstance,
  path: string,
  columns: readonly ParquetColumn[],
  orderBy?: string,
): Promise<ParquetRow[]> {
  const connection = await db.connect();
  try {
    return await readParquetRows(connection, path, columns, orderBy);
  } finally {
    connection.closeSync();
  }
}

/** {@link readParquetFile} on a connection the caller holds. */
export async function readParquetRows(
  connection: DuckDBConnection,
  path: string,
  columns: readonly ParquetColumn[],
  orderBy?: string,
): Promise<ParquetRow[]> {
  const cols = checkedColumns(columns);
  const selected = cols
    .map((c) => (c.type === 'TIMESTAMPTZ' ? `strftime(${c.name}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${c.name}` : c.name))
    .join(', ');
  const order = orderBy ? ` ORDER BY ${checkedColumns([{ name: orderBy, type: 'VARCHAR' }])[0]?.name}` : '';
  const reader = await connection.runAndReadAll(`SELECT ${selected} FROM read_parquet(${sqlString(path)})${order}`);
  return reader.getRowObjectsJson() as ParquetRow[];
}
