/**
 * The eCO2mix transform of a range of days — one day for its own run, many for an import's pass:
 * DuckDB reads every day's exports at once and merges each day's rows exactly as the day alone
 * would. A day alone is written with one COPY; many days with one partitioned COPY (day-tables.ts),
 * so that a COPY's fixed DuckDB work is paid once per range, not once per day.
 */
import { writeFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { copyToParquetSql } from '../../duckdb/copy.js';
import type { TransformContext, TransformOutput } from '../contract.js';
import type { Eco2mixConfig } from './dataset.js';
import { writeDayTables } from './day-tables.js';
import { mergedEco2mixDaysSql, mergedEco2mixSql, type MergeShape } from './merge-sql.js';
import { readEco2mixExports, type ExportReading } from './read-exports.js';
import { ECO2MIX_TABLE } from './record.js';
import { eco2mixSourceOf } from './sources.js';

/** Temporary tables of the rows read and merged while the transform runs (one connection per transform). */
const ROWS_TABLE = 'eco2mix_export_rows';
const MERGED_TABLE = 'eco2mix_merged_rows';

/** Rows written by day: a day alone straight from the merge SQL, many days through the partitioned write. */
async function writeTables(
  context: TransformContext<Eco2mixConfig>,
  shape: MergeShape,
): Promise<ReadonlyMap<string, number>> {
  const { db, days } = context;
  const [only] = days;
  if (only && days.length === 1) {
    const target = context.tablePath(only.date, ECO2MIX_TABLE);
    const copied = await db.runAndReadAll(copyToParquetSql(mergedEco2mixSql(ROWS_TABLE, only.date, shape), target));
    return new Map([[only.date, Number(copied.getRows()[0]?.[0] ?? 0)]]);
  }
  const fileDays = days.flatMap((day) => day.files.map(() => day.date)).map((date, order) => ({ order, date }));
  const counted = await db.runAndReadAll(
    `CREATE OR REPLACE TEMP TABLE ${MERGED_TABLE} AS ${mergedEco2mixDaysSql(ROWS_TABLE, fileDays, shape)};
     SELECT dt, count(*)::INTEGER FROM ${MERGED_TABLE} GROUP BY dt`,
  );
  const written = new Map(z.array(z.tuple([z.string(), z.number()])).parse(counted.getRowsJson()));
  await writeDayTables(db, MERGED_TABLE, [...written.keys()].sort(), context.scratchDir, (date) =>
    context.tablePath(date, ECO2MIX_TABLE),
  );
  return written;
}

/** Each day's rows read and rejected, its rejects written at `rejectsPath(date)` when it has some. */
async function writeRejects(
  context: TransformContext<Eco2mixConfig>,
  readings: readonly ExportReading[],
): Promise<Map<string, { read: number; rejected: number }>> {
  const counts = new Map<string, { read: number; rejected: number }>();
  const writes: Array<Promise<void>> = [];
  let index = 0;
  for (const day of context.days) {
    const own = readings.slice(index, index + day.files.length);
    index += day.files.length;
    const rejects = own.flatMap((r) => r.rejects.map((reject) => ({ file: r.file, ...reject })));
    counts.set(day.date, { read: own.reduce((n, r) => n + r.rowsRead, 0), rejected: rejects.length });
    if (rejects.length > 0)
      writes.push(writeFile(context.rejectsPath(day.date), rejects.map((r) => `${JSON.stringify(r)}\n`).join('')));
  }
  await Promise.all(writes);
  return counts;
}

async function dropTables(db: DuckDBConnection): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${ROWS_TABLE}; DROP TABLE IF EXISTS ${MERGED_TABLE}`);
}

/**
 * Each day's exports → its `eco2mix_national` table (one row per instant of the Paris day) and its
 * rejected rows: DuckDB reads the raw files, checks and merges each day's rows and writes the
 * Parquet. A day gets the same rows in the same order and the same rejects alone or inside a
 * range; a day without any row kept gets no table (0 written). Throws BadDataError when any file
 * cannot be read at all.
 */
export async function transformEco2mix(
  context: TransformContext<Eco2mixConfig>,
): Promise<Map<string, TransformOutput>> {
  const inputs = context.days
    .flatMap((day) => day.files)
    .map((file, order) => ({ path: file.path, file: file.key, source: eco2mixSourceOf(file.source), order }));
  try {
    const readings = await readEco2mixExports(context.db, inputs, ROWS_TABLE);
    const shape = {
      files: Math.max(0, ...context.days.map((d) => d.files.length)),
      repeated: readings.some((r) => r.repeated),
    };
    const written = await writeTables(context, shape);
    const counts = await writeRejects(context, readings);
    return new Map(
      context.days.map((day) => {
        const { read, rejected } = counts.get(day.date) ?? { read: 0, rejected: 0 };
        const rows = written.get(day.date) ?? 0;
        return [day.date, { tables: rows > 0 ? [ECO2MIX_TABLE] : [], rows: { read, written: rows, rejected } }];
      }),
    );
  } finally {
    await dropTables(context.db);
  }
}
