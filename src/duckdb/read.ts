/**
 * Reads a Parquet file back: into JSON-safe rows (timestamps as ISO-8601 UTC strings), or a table's
 * instants and numbers column by column.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { checkedColumns, sqlString, type ParquetColumn } from './columns.js';

export type ParquetRow = Record<string, string | number | null>;

/** A Parquet file's rows, timestamps as ISO-8601 UTC strings, on a connection the caller holds. */
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

/** A table's instants (UTC ms, ascending) and the numbers of some of its columns, one array each. */
export interface InstantColumns<Name extends string> {
  readonly instants: readonly number[];
  readonly columns: Readonly<Record<Name, ReadonlyArray<number | null>>>;
}

/** Columns as read: the instants, and each column named. */
type ColumnsRead = { instant: number[] } & Record<string, Array<number | null>>;

const numbers = z.array(z.number().nullable());
/** The schema of each list of columns read, built once. */
const schemas = new Map<string, z.ZodType<ColumnsRead>>();

function columnsSchema(names: readonly string[]): z.ZodType<ColumnsRead> {
  const key = names.join(',');
  let schema = schemas.get(key);
  if (!schema) {
    schema = z.object({
      instant: z.array(z.number()),
      ...Object.fromEntries(names.map((name) => [name, numbers])),
    });
    schemas.set(key, schema);
  }
  return schema;
}

/**
 * The `instant` column (TIMESTAMPTZ) of a Parquet file and the DOUBLE columns `names`, ordered by
 * instant, read column by column: no row objects, no text for the instants (what a report's charts
 * take). Throws a ZodError naming the column when one holds something else.
 */
export async function readInstantColumns<Name extends string>(
  connection: DuckDBConnection,
  path: string,
  names: readonly Name[],
): Promise<InstantColumns<Name>> {
  const cols = checkedColumns(names.map((name) => ({ name, type: 'DOUBLE' })));
  const selected = ['CAST(epoch_ms(instant) AS DOUBLE) AS instant', ...cols.map((c) => c.name)].join(', ');
  const reader = await connection.runAndReadAll(`SELECT ${selected} FROM read_parquet(${sqlString(path)}) ORDER BY 1`);
  const { instant, ...columns } = columnsSchema(names).parse(reader.getColumnsObjectJS());
  return { instants: instant, columns: columns as Record<Name, Array<number | null>> };
}
