/**
 * The SFTP pickup's metrics (docs/metrics.md): files and bytes fetched, failures by kind, the
 * entries the server could not serve, the age
 * of the newest remote file not yet ingested, and the delay from a file's time on the server to
 * its days' records. Labelled by dataset (and failure kind) only.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Delays from seconds (a pickup every 30 s) to the day a delivery may wait for a fix. */
const DELAY_BUCKETS = [5, 10, 20, 30, 45, 60, 90, 120, 300, 600, 1800, 3600, 4 * 3600, 86_400];

/** What the pickup records; `dataset` is a label already bounded by the caller. */
export interface SftpRecorder {
  fetched(dataset: string, bytes: number): void;
  failed(dataset: string, kind: string): void;
  /** A listed entry the server could not serve (a status on that file): that entry's failed try. */
  fileFailed(dataset: string): void;
  /** The entries whose last try failed, as the pickup leaves them. */
  unserved(dataset: string, count: number): void;
  /** The age of the newest remote file not yet ingested at `now`; null: none waiting. */
  pending(dataset: string, newest: Date | null, now: Date): void;
  /** A fetched file's days all have their records, `seconds` after its time on the server. */
  delivered(dataset: string, seconds: number): void;
}

export function createSftpMetrics(registry: Registry, datasets: readonly string[]): SftpRecorder {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter({ name, help, labelNames, registers });
  const files = counter(
    'courant_sftp_files_fetched_total',
    'Files fetched from a dataset’s SFTP server into its inbox, by dataset.',
    ['dataset'],
  );
  const bytes = counter('courant_sftp_fetched_bytes_total', 'Bytes fetched from a dataset’s SFTP server, by dataset.', [
    'dataset',
  ]);
  const failures = counter(
    'courant_sftp_failures_total',
    'Failed pickup attempts, by dataset and kind (host-key | auth | transient).',
    ['dataset', 'kind'],
  );
  const fileFaults = counter(
    'courant_sftp_file_faults_total',
    'Tries of an entry the SFTP server lists but could not serve (no such file, permission denied, failure), by dataset.',
    ['dataset'],
  );
  const unservedFiles = new Gauge({
    name: 'courant_sftp_unserved_files',
    help: 'Entries of the SFTP server whose last try failed (each retried by itself), by dataset, at the last pickup.',
    labelNames: ['dataset'] as const,
    registers,
  });
  const pendingAge = new Gauge({
    name: 'courant_sftp_pending_newest_age_seconds',
    help: 'Age (from its time on the server) of the newest remote file not yet ingested, by dataset; 0 when none waits.',
    labelNames: ['dataset'] as const,
    registers,
  });
  const delay = new Histogram({
    name: 'courant_sftp_delivery_delay_seconds',
    help: 'From a fetched file’s time on the server to the records of all its days, by dataset.',
    labelNames: ['dataset'] as const,
    buckets: DELAY_BUCKETS,
    registers,
  });
  for (const dataset of datasets) {
    files.inc({ dataset }, 0);
    bytes.inc({ dataset }, 0);
    fileFaults.inc({ dataset }, 0);
    unservedFiles.set({ dataset }, 0);
    for (const kind of ['host-key', 'auth', 'transient']) failures.inc({ dataset, kind }, 0);
  }
  return {
    fetched(dataset, size) {
      files.inc({ dataset });
      bytes.inc({ dataset }, size);
    },
    failed: (dataset, kind) => failures.inc({ dataset, kind }),
    fileFailed: (dataset) => fileFaults.inc({ dataset }),
    unserved: (dataset, count) => unservedFiles.set({ dataset }, count),
    pending: (dataset, newest, now) =>
      pendingAge.set({ dataset }, newest ? Math.max(0, (now.getTime() - newest.getTime()) / 1000) : 0),
    delivered: (dataset, seconds) => delay.observe({ dataset }, Math.max(0, seconds)),
  };
}
