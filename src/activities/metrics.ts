/** Metrics activities: a dataset-day's Parquet tables → metrics.json and the `metrics` record. */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetName } from '../shared/datasets.js';
import { storageKeys } from '../shared/keys.js';
import { datasetOf } from './dataset-of.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';

export interface ComputeMetricsInput {
  readonly dataset: DatasetName;
  readonly date: string;
  /** The main table; the only one in runs started before modules wrote several. */
  readonly processedKey: string;
  readonly processedKeys?: readonly string[];
}

export interface ComputeMetricsOutput {
  readonly metricsKey: string;
  readonly completeness: number | null;
}

/** `processed/…/dt=…/readings.parquet` → `readings`. */
export function tableOf(processedKey: string): string {
  return path.posix.basename(processedKey, '.parquet');
}

export function createMetricsActivities(deps: ActivityDeps) {
  /**
   * Copies the day's Parquet tables to local disk, lets the dataset's module compute its metrics
   * with SQL, writes `metrics/{dataset}/dt={date}/metrics.json` and upserts the `metrics` record.
   * Idempotent: same tables, same document.
   */
  async function computeMetrics(input: ComputeMetricsInput): Promise<ComputeMetricsOutput> {
    const { module, config } = datasetOf(deps.datasets, input.dataset);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'metrics-'));
    const connection = await deps.duckdb.connect();
    try {
      const keys = input.processedKeys ?? [input.processedKey];
      const copies = await Promise.all(
        keys.map(async (key) => {
          const local = path.join(scratch, `${tableOf(key)}.parquet`);
          return { table: tableOf(key), local, read: await deps.objects.getToFile(key, local) };
        }),
      );
      await noteFallbackReads(
        deps,
        input,
        copies.map((c) => c.read),
      );
      const tables = Object.fromEntries(copies.map((c) => [c.table, c.local]));
      const metrics = await classifyingBadData(() =>
        module.metrics({ date: input.date, config, db: connection, tables }),
      );
      const metricsKey = storageKeys.metrics(input.dataset, input.date);
      await deps.objects.put(metricsKey, `${JSON.stringify(metrics.document, null, 2)}\n`, {
        contentType: 'application/json',
      });
      await deps.records.upsertMetrics({ dataset: input.dataset, date: input.date, metrics: { ...metrics.document } });
      return { metricsKey, completeness: metrics.completeness };
    } finally {
      connection.closeSync();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { computeMetrics };
}
