/** Metrics activities: a dataset-day's Parquet tables → metrics.json and the `metrics` record. */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { storageKeys } from '../workflow-safe/keys.js';
import { sha256OfFile } from '../storage/file-hash.js';
import { readableFile } from '../storage/readable-file.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';
import { readDayOutputs } from './day-outputs.js';
import { measureRange, type MeasuredDay } from './transform-range.js';
import { costStage } from '../cost/ledger.js';
import { putOutput } from './output-files.js';
import type { OutputFile } from '../workflow-safe/day-records.js';

export interface ComputeMetricsInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** Every table of the day, main table first. */
  readonly processedKeys: readonly string[];
}

export interface ComputeMetricsOutput {
  readonly metricsKey: string;
  readonly completeness: number | null;
  /** `anomalies/{dataset}/dt={date}/anomalies.parquet` when the module wrote anomalies, else absent. */
  readonly anomaliesKey?: string;
  /** The metrics document (and the anomalies, when this run stored them) as stored, for the day record. */
  readonly files?: readonly OutputFile[];
}

/** `processed/…/dt=…/readings.parquet` → `readings`. */
export function tableOf(processedKey: string): string {
  return path.posix.basename(processedKey, '.parquet');
}

/** The metrics an import's pass computed on exactly these tables' bytes (day-outputs.ts), else null. */
export async function recordedMetrics(
  deps: ActivityDeps,
  input: ComputeMetricsInput,
  tableFiles: ReadonlyArray<{ table: string; local: string }>,
): Promise<MeasuredDay | null> {
  const recorded = await readDayOutputs(deps.objects, input.dataset, input.date);
  if (!recorded || recorded.codeVersion !== deps.codeVersion) return null;
  const { tables, document, completeness, anomaliesKey } = recorded.metrics;
  if (Object.keys(tables).length !== tableFiles.length) return null;
  for (const file of tableFiles) if (tables[file.table] !== (await sha256OfFile(file.local))) return null;
  return { document, completeness, ...(anomaliesKey ? { anomaliesKey } : {}) };
}

export function createMetricsActivities(deps: ActivityDeps) {
  /**
   * Copies the day's Parquet tables to local disk, lets the dataset's module compute its metrics
   * with SQL (a range of one day: transform-range.ts, as an import's passes; a module that detects
   * anomalies scores the day against the stored days before it, writing
   * `anomalies/{dataset}/dt={date}/anomalies.parquet`), writes
   * `metrics/{dataset}/dt={date}/metrics.json` and upserts the `metrics` record.
   * Idempotent: same tables and same stored history, same documents. Metrics an import's pass over
   * many days computed on the same table bytes (day-outputs.ts) are taken as they are.
   */
  async function computeMetrics(input: ComputeMetricsInput): Promise<ComputeMetricsOutput> {
    const { dataset, date } = input;
    const keys = input.processedKeys;
    if (keys.length === 0) throw new Error(`computeMetrics for ${dataset} ${date} was given no table`);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'metrics-'));
    const connection = await deps.duckdb.connect();
    try {
      const tableFiles = await costStage('tables in', () =>
        Promise.all(
          keys.map(async (key) => {
            const read = await readableFile(deps.objects, key, scratch, `${tableOf(key)}.parquet`);
            return { table: tableOf(key), local: read.path, read };
          }),
        ),
      );
      await noteFallbackReads(
        deps,
        { dataset, date },
        tableFiles.map((c) => c.read),
      );
      const tables = Object.fromEntries(tableFiles.map((c) => [c.table, c.local]));
      const recorded = deps.datasets.capability('file-import', dataset)
        ? await costStage('import outputs', () => recordedMetrics(deps, input, tableFiles))
        : null;
      const metrics =
        recorded ??
        (await classifyingBadData(async () =>
          (await measureRange(deps, { dataset, db: connection, scratch }, [{ date, tables }])).get(date),
        ));
      if (!metrics) throw new Error(`the ${dataset} metrics gave nothing for ${date}`);
      const metricsKey = storageKeys.metrics(dataset, date);
      const stored = await costStage('store', async () => {
        const file = await putOutput(deps.objects, metricsKey, `${JSON.stringify(metrics.document, null, 2)}\n`, {
          contentType: 'application/json',
        });
        await deps.records.upsertMetrics({ dataset, date, metrics: { ...metrics.document } });
        return file;
      });
      return {
        metricsKey,
        completeness: metrics.completeness,
        ...(metrics.anomaliesKey ? { anomaliesKey: metrics.anomaliesKey } : {}),
        files: [stored, ...(metrics.anomaliesFile ? [metrics.anomaliesFile] : [])],
      };
    } finally {
      connection.closeSync();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { computeMetrics };
}
