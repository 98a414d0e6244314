/** One round of a dataset module's day in `dir`: its transform then its metrics, each timed (seconds). */
import type { DuckDBConnection } from '@duckdb/node-api';
import path from 'node:path';
import type { DatasetDefinition, DayMetrics, TransformOutput } from '../../src/datasets/contract.js';
import type { DayFile } from '../../src/datasets/inputs.js';

export interface TimedDay {
  readonly result: TransformOutput;
  readonly metrics: DayMetrics;
  readonly transform: number;
  readonly total: number;
}

export async function timedModuleDay<TConfig>(
  module: DatasetDefinition<TConfig, unknown>,
  day: { readonly date: string; readonly config: TConfig; readonly db: DuckDBConnection },
  files: readonly DayFile[],
  dir: string,
): Promise<TimedDay> {
  const tablePath = (name: string) => path.join(dir, `${name}.parquet`);
  const started = performance.now();
  const { date, config, db } = day;
  const result = (
    await module.transform({
      config,
      db,
      days: [{ date, files }],
      tablePath: (_date, name) => tablePath(name),
      rejectsPath: () => path.join(dir, 'rejects.jsonl'),
      scratchDir: dir,
    })
  ).get(date);
  if (!result) throw new Error(`the ${module.name} transform gave no output for ${date}`);
  const transformed = performance.now();
  const metrics = (
    await module.metrics({
      config,
      db,
      days: [{ date, tables: Object.fromEntries(result.tables.map((t) => [t, tablePath(t)])) }],
      history: () => Promise.resolve([]),
      anomaliesPath: () => path.join(dir, 'anomalies.parquet'),
    })
  ).get(date);
  if (!metrics) throw new Error(`the ${module.name} metrics gave nothing for ${date}`);
  const done = performance.now();
  return { result, metrics, transform: (transformed - started) / 1e3, total: (done - started) / 1e3 };
}
