/**
 * CourantMetrics: one Prometheus registry per worker, built once and injected (ActivityDeps.metrics,
 * the object store wrapper, the activity interceptor), with small recording methods. Labels are
 * kept bounded: a dataset that is not registered is recorded as `other`.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CheckResult } from '../workflow-safe/quality.js';
import type { ReadOrigin } from '../storage/object-store.js';
import type { RowCounts } from '../workflow-safe/day-records.js';
import { Freshness } from './freshness.js';
import { createMetricSet, type MetricSet } from './metric-set.js';
import { createSftpMetrics, type SftpRecorder } from './sftp-metrics.js';

/** A dataset-day run as it finished: what `finishDayRun` records. */
export interface FinishedDay {
  readonly dataset: string;
  readonly date: string;
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly rows: RowCounts | null;
  readonly checks?: readonly CheckResult[];
}

export interface CourantMetricsOptions {
  /** The worker's datasets, each with its due time in hours after the Paris day (null: never late). */
  readonly datasets: ReadonlyArray<{ readonly name: string; readonly dueHours: number | null }>;
  readonly codeVersion: string;
  /** Whether reads go through the S3 cache (aws mode with a cache): only then do reads count as hits or misses. */
  readonly cacheEnabled: boolean;
  /** The clock freshness is computed with, at each scrape. */
  readonly now?: () => Date;
}

/** First key segments of the storage layout (docs/architecture.md#storage-keys); any other is `other`. */
const AREAS = new Set([
  'raw',
  'processed',
  'quarantine',
  'metrics',
  'quality',
  'anomalies',
  'reports',
  'inbox',
  'imports',
]);

/** What the activities record: a finished day, a source request and a revised day. */
export type ActivityMetrics = Pick<
  CourantMetrics,
  'dayFinished' | 'sourceRequest' | 'dayRevised' | 'outputsVerified' | 'sftp'
>;

export class CourantMetrics {
  readonly registry = new Registry();
  readonly freshness: Freshness;
  /** The SFTP pickup's metrics, labelled by the dataset's label. */
  readonly sftp: SftpRecorder;
  private readonly m: MetricSet;
  private readonly datasets: ReadonlySet<string>;
  private readonly cacheEnabled: boolean;

  constructor(options: CourantMetricsOptions) {
    this.m = createMetricSet(this.registry);
    this.freshness = new Freshness(this.registry, options.now);
    this.datasets = new Set(options.datasets.map((d) => d.name));
    this.cacheEnabled = options.cacheEnabled;
    this.sftp = createSftpMetrics(
      this.registry,
      options.datasets.map((d) => d.name),
    );
    collectDefaultMetrics({ register: this.registry });
    this.m.buildInfo.set({ code_version: options.codeVersion }, 1);
    for (const { name, dueHours } of options.datasets) {
      // Zeros from the start, so that increase() sees a day's first count.
      for (const status of ['succeeded', 'failed', 'cancelled']) this.m.daysFinished.inc({ dataset: name, status }, 0);
      for (const counter of [this.m.rowsRead, this.m.rowsWritten, this.m.rowsRejected])
        counter.inc({ dataset: name }, 0);
      for (const area of ['raw', 'processed']) this.m.fallbackReads.inc({ area, dataset: name }, 0);
      if (dueHours !== null) this.m.dueSeconds.set({ dataset: name }, dueHours * 3600);
    }
    if (this.cacheEnabled) for (const result of ['hit', 'miss']) this.m.cacheReads.inc({ result }, 0);
  }

  /** The dataset label of `name`: a registered dataset, else `other`. */
  datasetLabel(name: string): string {
    return this.datasets.has(name) ? name : 'other';
  }

  /** Counts a finished dataset-day run: its status, rows, failed checks, and freshness when it succeeded. */
  dayFinished(day: FinishedDay): void {
    const dataset = this.datasetLabel(day.dataset);
    this.m.daysFinished.inc({ dataset, status: day.status });
    if (day.rows) {
      this.m.rowsRead.inc({ dataset }, day.rows.read);
      this.m.rowsWritten.inc({ dataset }, day.rows.written);
      this.m.rowsRejected.inc({ dataset }, day.rows.rejected);
    }
    for (const check of day.checks ?? []) {
      if (!check.passed) this.m.qualityChecksFailed.inc({ dataset, check: check.name, severity: check.severity });
    }
    if (day.status === 'succeeded' && this.datasets.has(day.dataset)) this.freshness.succeeded(day.dataset, day.date);
  }

  /** Counts one HTTP request to a source: its status code, or `error` when no answer came. */
  sourceRequest(dataset: string, source: string, code: number | 'error'): void {
    this.m.sourceRequests.inc({ dataset: this.datasetLabel(dataset), source, code: String(code) });
  }

  /** Counts a day run again on a revision, from the nature it held to the one it holds now. */
  dayRevised(dataset: string, from: string, to: string): void {
    this.m.daysRevised.inc({ dataset: this.datasetLabel(dataset), from, to });
  }

  /** Counts a verification of outputs and, by dataset, the days it found wanting. */
  outputsVerified(wanting: ReadonlyArray<{ readonly dataset: string }>): void {
    this.m.verifications.inc();
    for (const day of wanting) this.m.outputsMissingDays.inc({ dataset: this.datasetLabel(day.dataset) });
  }

  /** Starts timing one attempt of a stage; call the result with the attempt's outcome. */
  stageStarted(dataset: string, stage: string, attempt: number): (outcome: 'success' | 'failure') => void {
    const labels = { dataset: dataset === 'all' ? dataset : this.datasetLabel(dataset), stage };
    if (attempt > 1) this.m.stageRetries.inc(labels);
    const end = this.m.stageDuration.startTimer(labels);
    return (outcome) => {
      end({ outcome });
    };
  }

  /** Counts bytes written under `key`. */
  objectWritten(key: string, bytes: number): void {
    this.m.bytesWritten.inc(this.keyLabels(key), bytes);
  }

  /** Counts a read by where it was served from: a cache hit or miss, or a fallback to a local copy. */
  objectRead(key: string, origin: ReadOrigin): void {
    if (origin === 'fallback') this.m.fallbackReads.inc(this.keyLabels(key));
    else if (this.cacheEnabled) this.m.cacheReads.inc({ result: origin === 'cache' ? 'hit' : 'miss' });
  }

  /** `raw/{dataset}/dt=…/x.csv` → area raw and that dataset; keys without a dataset get `none`. */
  private keyLabels(key: string): { area: string; dataset: string } {
    const [first = '', second = ''] = key.split('/');
    return { area: AREAS.has(first) ? first : 'other', dataset: this.datasets.has(second) ? second : 'none' };
  }
}
