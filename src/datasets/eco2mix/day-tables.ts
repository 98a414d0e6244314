/**
 * Writing the merged rows of many eCO2mix days as one Parquet table per day: one partitioned COPY,
 * then each day's file moved to where the transform is asked to write it.
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { copyToParquetSql } from '../../duckdb/copy.js';
import { sqlString } from '../../duckdb/columns.js';
import { ECO2MIX_PARQUET_COLUMNS } from './record.js';

const COLUMNS = ECO2MIX_PARQUET_COLUMNS.map((c) => c.name).join(', ');

/**
 * Tables among `paths` whose rows are not in instant order: DuckDB's partitioned writer may put the
 * part of a day that falls in its next input chunk first.
 */
async function unorderedTables(db: DuckDBConnection, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const reader = await db.runAndReadAll(`SELECT DISTINCT filename FROM (
      SELECT filename, instant, lag(instant) OVER (PARTITION BY filename ORDER BY file_row_number) AS before
      FROM read_parquet([${paths.map((p) => sqlString(p)).join(', ')}], filename = true, file_row_number = true))
    WHERE before >= instant`);
  return new Set(
    z
      .array(z.tuple([z.string()]))
      .parse(reader.getRowsJson())
      .map(([file]) => file),
  );
}

/** Parquet files under `dir`, by the day of their `dt=` folder. */
async function filesByDay(db: DuckDBConnection, dir: string): Promise<Map<string, string[]>> {
  const reader = await db.runAndReadAll(`SELECT file FROM glob(${sqlString(path.join(dir, '*', '*.parquet'))})`);
  const byDay = new Map<string, string[]>();
  for (const [file] of z.array(z.tuple([z.string()])).parse(reader.getRowsJson())) {
    const date = path.basename(path.dirname(file)).replace(/^dt=/, '');
    byDay.set(date, [...(byDay.get(date) ?? []), file]);
  }
  return byDay;
}

/**
 * Writes each day of `table` (the merged rows with their day as `dt`, sorted by day and instant)
 * at `target(date)`: one partitioned COPY under `scratchDir`, each day's file moved to its target,
 * and the days it wrote out of order (or as more than one file) written again alone, in order.
 */
export async function writeDayTables(
  db: DuckDBConnection,
  table: string,
  dates: readonly string[],
  scratchDir: string,
  target: (date: string) => string,
): Promise<void> {
  const partitions = path.join(scratchDir, 'partitions');
  await db.run(
    `COPY (SELECT * FROM ${table}) TO ${sqlString(partitions)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (dt))`,
  );
  const written = await filesByDay(db, partitions);
  const single = new Map<string, string>();
  for (const date of dates) {
    const [only, ...more] = written.get(date) ?? [];
    if (only !== undefined && more.length === 0) single.set(date, only);
  }
  const unordered = await unorderedTables(db, [...single.values()]);
  for (const date of dates) {
    const file = single.get(date);
    if (file !== undefined && !unordered.has(file)) await rename(file, target(date));
    else
      await db.run(
        copyToParquetSql(
          `SELECT ${COLUMNS} FROM ${table} WHERE dt = ${sqlString(date)} ORDER BY instant`,
          target(date),
        ),
      );
  }
}
