/**
 * `deliveries.parquet`: the numbered deliveries among a day's files (`deliveries.ts`), one row per
 * file whose name carries a delivery number — the name it was dropped under (`fileName`, kept with
 * the claimed file) — so that the days after it can tell which numbers never came.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import path from 'node:path';
import { sqlString } from '../../duckdb/columns.js';
import { copyToParquetSql } from '../../duckdb/copy.js';
import type { DayFile } from '../inputs.js';
import { deliveryNumberOf, type Delivery } from './deliveries.js';

export const DELIVERY_TABLE = 'deliveries';

/** Columns of `deliveries.parquet`, in order, with their types. */
const COLUMNS = [
  ['date', 'VARCHAR'],
  ['file', 'VARCHAR'],
  ['name', 'VARCHAR'],
  ['series', 'VARCHAR'],
  ['number', 'INTEGER'],
  ['part', 'INTEGER'],
  ['parts', 'INTEGER'],
  ['stamp', 'VARCHAR'],
] as const;

const sqlValue = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : sqlString(value);

/** Writes the day's numbered deliveries to `target` (an empty table when none is numbered); returns how many. */
export async function writeDeliveries(
  db: DuckDBConnection,
  date: string,
  files: readonly DayFile[],
  target: string,
): Promise<number> {
  const rows = files.flatMap((file) => {
    const name = file.options.fileName ?? path.posix.basename(file.key);
    const number = deliveryNumberOf(name);
    return number
      ? [[date, file.key, name, number.series, number.number, number.part, number.parts, number.stamp]]
      : [];
  });
  // One list of values, typed by the columns: a statement of one scan whatever the number of files
  // (a UNION ALL of a SELECT per file gives the sort a state per file, past the turn's memory).
  const typed = COLUMNS.map(([name, type], i) => `col${i}::${type} AS ${name}`).join(', ');
  const values =
    rows.length === 0
      ? `(${COLUMNS.map(() => 'NULL').join(', ')})`
      : rows.map((r) => `(${r.map(sqlValue).join(', ')})`).join(', ');
  const query = `SELECT ${typed} FROM (VALUES ${values})${rows.length === 0 ? ' WHERE false' : ''}`;
  await db.run(copyToParquetSql(`SELECT * FROM (${query}) ORDER BY series, number, part, file`, target));
  return rows.length;
}

/** The deliveries recorded in these `deliveries.parquet` files. */
export async function readDeliveries(db: DuckDBConnection, files: readonly string[]): Promise<Delivery[]> {
  if (files.length === 0) return [];
  const rows = (
    await db.runAndReadAll(
      `SELECT date, name, series, number, part, parts, stamp FROM read_parquet([${files.map(sqlString).join(', ')}])`,
    )
  ).getRowObjects();
  return rows.map((row) => ({
    date: String(row.date),
    name: String(row.name),
    series: String(row.series),
    number: Number(row.number),
    part: row.part === null ? null : Number(row.part),
    parts: row.parts === null ? null : Number(row.parts),
    stamp: String(row.stamp),
  }));
}
