/**
 * The range transform and metrics of a dataset whose unit of work is a day (smart meters, Enedis,
 * cityflow): its own function of one day, run on each day of the range in turn, in order.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetDefinition, DayMetrics, TransformOutput } from './contract.js';
import type { DayFile } from './inputs.js';

/** One day given to a transform of one day. */
export interface DayTransformContext<TConfig> {
  readonly date: string;
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  /** The day's raw files in order of arrival (http sources in the order of `inputs`). */
  readonly files: readonly DayFile[];
  /** Local path where table `table` is to be written as Parquet (zstd). */
  readonly tablePath: (table: string) => string;
  /** Local path of the rejects to write, JSON lines `{ file, line, column?, value?, reason }` (may stay absent: none). */
  readonly rejectsPath: string;
  /** A directory of its own for intermediate files, removed afterwards. */
  readonly scratchDir: string;
}

/** One day given to metrics of one day. */
export interface DayMetricsContext<TConfig> {
  readonly date: string;
  readonly config: TConfig;
  readonly db: DuckDBConnection;
  /** Local paths of the day's Parquet tables, by table name. */
  readonly tables: Readonly<Record<string, string>>;
  /** Local copies of table `table` of the `days` days before this one, those stored, oldest first. */
  history(table: string, days: number): Promise<readonly string[]>;
  /** Local path where the day's anomalies may be written as Parquet. */
  readonly anomaliesPath: string;
}

/** A range transform running `transformDay` on each day, each with a scratch directory of its own. */
export function eachDayTransform<TConfig>(
  transformDay: (context: DayTransformContext<TConfig>) => Promise<TransformOutput>,
): DatasetDefinition<TConfig>['transform'] {
  return async (context) => {
    const outputs = new Map<string, TransformOutput>();
    for (const day of context.days) {
      const scratchDir = path.join(context.scratchDir, day.date);
      await mkdir(scratchDir, { recursive: true });
      const output = await transformDay({
        date: day.date,
        config: context.config,
        db: context.db,
        files: day.files,
        tablePath: (table) => context.tablePath(day.date, table),
        rejectsPath: context.rejectsPath(day.date),
        scratchDir,
      });
      outputs.set(day.date, output);
    }
    return outputs;
  };
}

/** Range metrics running `metricsOfDay` on each day. */
export function eachDayMetrics<TConfig>(
  metricsOfDay: (context: DayMetricsContext<TConfig>) => Promise<DayMetrics>,
): DatasetDefinition<TConfig>['metrics'] {
  return async (context) => {
    const metrics = new Map<string, DayMetrics>();
    for (const day of context.days) {
      const dayMetrics = await metricsOfDay({
        date: day.date,
        config: context.config,
        db: context.db,
        tables: day.tables,
        history: (table, days) => context.history(day.date, table, days),
        anomaliesPath: context.anomaliesPath(day.date),
      });
      metrics.set(day.date, dayMetrics);
    }
    return metrics;
  };
}
