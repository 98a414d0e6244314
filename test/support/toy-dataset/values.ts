/**
 * A dataset of `ts,value` CSV files: one table `toy_values` per Paris day (the latest file wins
 * for the same instant), metrics counting and summing its values, a one-figure report.
 */
import { z } from 'zod';
import { defineDataset, type DatasetDefinition } from '../../../src/datasets/contract.js';
import type { DayInput } from '../../../src/datasets/inputs.js';
import { eachDayMetrics, eachDayTransform } from '../../../src/datasets/each-day.js';
import { metricsHead } from '../../../src/datasets/metrics-head.js';
import { sqlString } from '../../../src/duckdb/columns.js';
import { BadDataError } from '../../../src/workflow-safe/errors.js';
import { parisDayBounds } from '../../../src/workflow-safe/partition.js';
import { toyConfig, type ToyConfig } from './config.js';

export const VALUES_HEADER = 'ts,value';
export const VALUES_TABLE = 'toy_values';

export function readValuesCsv(path: string): string {
  return `read_csv(${sqlString(path)}, header = true, columns = {ts: 'TIMESTAMPTZ', value: 'DOUBLE'}, auto_detect = false)`;
}

/** The metrics document of a day of values. */
export const toyMetricsSchema = z.object({
  ...metricsHead('toy'),
  values: z.int().nonnegative(),
  total: z.number(),
});
export type ToyMetrics = z.infer<typeof toyMetricsSchema>;

/** A dataset of values named `name`, fed by `inputs`. */
export function valuesDataset(
  name: string,
  inputs: (date: string, config: ToyConfig) => readonly DayInput[],
): DatasetDefinition<ToyConfig, ToyMetrics, typeof VALUES_TABLE> {
  return defineDataset({
    name,
    title: `Toy values (${name})`,
    config: toyConfig,
    tables: [VALUES_TABLE],
    metricsSchema: toyMetricsSchema,
    inputs,
    checkDownload(_source: string, body: Uint8Array, file: string) {
      if (!Buffer.from(body).toString('utf8').startsWith(VALUES_HEADER))
        throw new BadDataError({ file, line: 1 }, `expected the header ${VALUES_HEADER}`);
    },
    transform: eachDayTransform(async ({ date, db, files, tablePath }) => {
      const { start, end } = parisDayBounds(date);
      const union = files
        .map((f) => `SELECT ts, value, ${f.order} AS arrival FROM ${readValuesCsv(f.path)}`)
        .join(' UNION ALL ');
      const read = Number((await db.runAndReadAll(`SELECT count(*) FROM (${union})`)).getRows()[0]?.[0] ?? 0);
      const kept = `SELECT ts, arg_max(value, arrival) AS value FROM (${union})
      WHERE ts >= '${start.toISOString()}'::TIMESTAMPTZ AND ts < '${end.toISOString()}'::TIMESTAMPTZ GROUP BY ts ORDER BY ts`;
      await db.run(`COPY (${kept}) TO ${sqlString(tablePath(VALUES_TABLE))} (FORMAT parquet, COMPRESSION zstd)`);
      const written = Number(
        (
          await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(tablePath(VALUES_TABLE))})`)
        ).getRows()[0]?.[0] ?? 0,
      );
      return { tables: [VALUES_TABLE], rows: { read, written, rejected: 0 } };
    }),
    metrics: eachDayMetrics(async ({ date, db, tables }) => {
      const path = tables[VALUES_TABLE] ?? '';
      const row = (
        await db.runAndReadAll(
          `SELECT count(*)::INTEGER AS n, sum(value) AS total FROM read_parquet(${sqlString(path)})`,
        )
      ).getRowObjects()[0];
      return {
        document: {
          dataset: 'toy',
          date,
          timezone: 'Europe/Paris',
          values: Number(row?.n ?? 0),
          total: Number(row?.total ?? 0),
        },
        completeness: null,
      };
    }),
    report: {
      day: ({ metrics }) =>
        Promise.resolve({
          title: 'Toy values',
          summary: `${String(metrics.values)} values, total ${String(metrics.total)}`,
          figures: [{ key: 'total', label: 'Total', value: typeof metrics.total === 'number' ? metrics.total : null }],
          charts: [],
          tables: [],
        }),
      period: ({ days }) =>
        Promise.resolve({
          title: 'Toy values',
          summary: `${days.length} days`,
          figures: [{ key: 'days', label: 'Days', value: days.length }],
          charts: [],
          tables: [],
          daily: [],
          monthly: [],
        }),
    },
  });
}
