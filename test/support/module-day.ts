/**
 * A dataset module's day outside Temporal, for unit tests: its transform over the given files in a
 * directory of its own, then (unless asked not to) its metrics over the tables it wrote, checked
 * against the dataset's metrics schema.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetDefinition, DayMetrics, TransformOutput } from '../../src/datasets/contract.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { sqlString } from '../../src/duckdb/columns.js';
import type { ScratchDuckDb } from './scratch-duckdb.js';

export interface ModuleDay {
  readonly transform: TransformOutput;
  /** Null when the metrics were not asked for. */
  readonly metrics: DayMetrics | null;
  /** The rejects file's lines, parsed. */
  readonly rejects: Array<Record<string, unknown>>;
  /** Local path of a table the transform wrote. */
  readonly tablePath: (table: string) => string;
  /** The rows of `SELECT {columns} FROM` a table, as JSON values. */
  readonly rows: (table: string, columns?: string) => Promise<Array<Record<string, unknown>>>;
}

export async function runModuleDay<TConfig>(
  module: DatasetDefinition<TConfig, unknown>,
  config: TConfig,
  scratch: ScratchDuckDb,
  date: string,
  files: readonly DayFile[],
  options: { readonly metrics?: boolean } = {},
): Promise<ModuleDay> {
  const out = await mkdtemp(path.join(scratch.dir, 'day-'));
  const tablePath = (table: string) => path.join(out, `${table}.parquet`);
  const rejectsPath = path.join(out, 'rejects.jsonl');
  const db = scratch.connection;
  const transform = (
    await module.transform({
      config,
      db,
      days: [{ date, files }],
      tablePath: (_date, table) => tablePath(table),
      rejectsPath: () => rejectsPath,
      scratchDir: out,
    })
  ).get(date);
  if (!transform) throw new Error(`the ${module.name} transform gave no output for ${date}`);
  const metrics =
    options.metrics === false
      ? null
      : ((
          await module.metrics({
            config,
            db,
            days: [{ date, tables: Object.fromEntries(transform.tables.map((table) => [table, tablePath(table)])) }],
            history: () => Promise.resolve([]),
            anomaliesPath: () => path.join(out, 'anomalies.parquet'),
          })
        ).get(date) ?? null);
  // The document the metrics activity would store: it must fit the dataset's schema.
  if (metrics) module.metricsSchema.parse(metrics.document);
  const rejects = (await readFile(rejectsPath, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    transform,
    metrics,
    rejects,
    tablePath,
    rows: async (table, columns = '*') =>
      (
        await db.runAndReadAll(`SELECT ${columns} FROM read_parquet(${sqlString(tablePath(table))})`)
      ).getRowObjectsJson(),
  };
}
