/**
 * courant's own Prometheus metrics, declared once on one registry (docs/metrics.md lists them).
 * Label sets are bounded: dataset names, stages, sources, check names, HTTP codes — never a date,
 * a key or a meter id.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Stage durations from seconds to the hours a large transform may take. */
const STAGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** Creates courant's metrics on `registry`; call once per registry. */
export function createMetricSet(registry: Registry) {
  const registers = [registry];
  return {
    buildInfo: new Gauge({
      name: 'courant_build_info',
      help: 'Always 1; the code version this worker records in day records.',
      labelNames: ['code_version'] as const,
      registers,
    }),
    daysFinished: new Counter({
      name: 'courant_days_finished_total',
      help: 'Dataset-day runs finished, by dataset and status (succeeded | failed).',
      labelNames: ['dataset', 'status'] as const,
      registers,
    }),
    stageDuration: new Histogram({
      name: 'courant_stage_duration_seconds',
      help: 'Duration of one attempt of a pipeline stage activity, by dataset, stage and outcome (success | failure).',
      labelNames: ['dataset', 'stage', 'outcome'] as const,
      buckets: STAGE_BUCKETS,
      registers,
    }),
    stageRetries: new Counter({
      name: 'courant_stage_retries_total',
      help: 'Attempts of a pipeline stage activity after its first (Temporal retries), by dataset and stage.',
      labelNames: ['dataset', 'stage'] as const,
      registers,
    }),
    rowsRead: new Counter({
      name: 'courant_rows_read_total',
      help: 'Rows read by the transforms of finished dataset-day runs, by dataset.',
      labelNames: ['dataset'] as const,
      registers,
    }),
    rowsWritten: new Counter({
      name: 'courant_rows_written_total',
      help: 'Clean rows written to Parquet by finished dataset-day runs, by dataset.',
      labelNames: ['dataset'] as const,
      registers,
    }),
    rowsRejected: new Counter({
      name: 'courant_rows_rejected_total',
      help: 'Rows quarantined by finished dataset-day runs, by dataset.',
      labelNames: ['dataset'] as const,
      registers,
    }),
    qualityChecksFailed: new Counter({
      name: 'courant_quality_checks_failed_total',
      help: 'Failed data-quality checks of finished dataset-day runs, by dataset, check and severity (block | warn).',
      labelNames: ['dataset', 'check', 'severity'] as const,
      registers,
    }),
    bytesWritten: new Counter({
      name: 'courant_object_write_bytes_total',
      help: 'Bytes written to the object store, by area (first key segment: raw, processed, …) and dataset.',
      labelNames: ['area', 'dataset'] as const,
      registers,
    }),
    cacheReads: new Counter({
      name: 'courant_object_cache_reads_total',
      help: 'Reads through the S3 cache (aws mode): hit = the local copy, confirmed unchanged; miss = fetched from S3.',
      labelNames: ['result'] as const,
      registers,
    }),
    fallbackReads: new Counter({
      name: 'courant_object_fallback_reads_total',
      help: 'Reads served from a local copy because the object store could not be reached, by area and dataset.',
      labelNames: ['area', 'dataset'] as const,
      registers,
    }),
    sourceRequests: new Counter({
      name: 'courant_source_requests_total',
      help: 'HTTP requests to data sources, by dataset, source and code (the HTTP status, or "error" when no answer came).',
      labelNames: ['dataset', 'source', 'code'] as const,
      registers,
    }),
    outputsMissingDays: new Counter({
      name: 'courant_outputs_missing_days_total',
      help: 'Succeeded days whose outputs a verification found missing or changed in object storage (marked outputs missing), by dataset.',
      labelNames: ['dataset'] as const,
      registers,
    }),
    verifications: new Counter({
      name: 'courant_verifications_total',
      help: 'Scheduled verifications of outputs that ran to the end, whatever they found.',
      registers,
    }),
    daysRevised: new Counter({
      name: 'courant_days_revised_total',
      help: 'Days run again on a revision of their data, by dataset and the nature before and after (e.g. realtime → consolidated).',
      labelNames: ['dataset', 'from', 'to'] as const,
      registers,
    }),
    dueSeconds: new Gauge({
      name: 'courant_dataset_due_seconds',
      help: 'Seconds after the end of a Paris day by which the dataset’s data is due (late after that); absent when never late.',
      labelNames: ['dataset'] as const,
      registers,
    }),
  };
}

export type MetricSet = ReturnType<typeof createMetricSet>;
