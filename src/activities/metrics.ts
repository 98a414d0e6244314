/** Metrics activities: a dataset-day's Parquet table → metrics.json and the `metrics` record. */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipelineFor } from '../datasets/registry.js';
import { readParquetFile } from '../parquet/read.js';
import type { DatasetName } from '../shared/datasets.js';
import { storageKeys } from '../shared/keys.js';
import { noteFallbackReads } from './day-runs.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';

export interface ComputeMetricsInput {
  readonly dataset: DatasetName;
  readonly date: string;
  readonly processedKey: string;
}

export interface ComputeMetricsOutput {
  readonly metricsKey: string;
  readonly completeness: number | null;
}

export function createMetricsActivities(deps: ActivityDeps) {
  /**
   * Reads the day's clean rows back from Parquet, computes the dataset's daily metrics, writes
   * `metrics/{dataset}/dt={date}/metrics.json` and upserts the `metrics` record. Idempotent.
   */
  async function computeMetrics(input: ComputeMetricsInput): Promise<ComputeMetricsOutput> {
    const pipeline = pipelineFor(input.dataset);
    const scratch = await mkdtemp(path.join(deps.scratchDir, 'metrics-'));
    try {
      const local = path.join(scratch, 'table.parquet');
      await noteFallbackReads(deps, input, [await deps.objects.getToFile(input.processedKey, local)]);
      const rows = await readParquetFile(deps.duckdb, local, pipeline.columns);
      const metrics = await classifyingBadData(() =>
        pipeline.metrics(
          input.date,
          rows.map((row) => pipeline.fromRow(row)),
        ),
      );
      const metricsKey = storageKeys.metrics(input.dataset, input.date);
      await deps.objects.put(metricsKey, `${JSON.stringify(metrics.document, null, 2)}\n`, {
        contentType: 'application/json',
      });
      await deps.records.upsertMetrics({ dataset: input.dataset, date: input.date, metrics: metrics.document });
      return { metricsKey, completeness: metrics.completeness };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  return { computeMetrics };
}
