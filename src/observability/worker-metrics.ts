/**
 * The worker's metrics when METRICS_ADDRESS is set: courant's registry for its datasets, the
 * endpoint on METRICS_ADDRESS, and the loopback address the Temporal SDK's exporter is given.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import { freePort } from '../stack/ports.js';
import { CourantMetrics } from './metrics.js';
import { startMetricsServer } from './server.js';

export interface WorkerMetrics {
  readonly metrics: CourantMetrics;
  /** Where the Temporal Runtime's Prometheus exporter binds: loopback, a free port, merged into /metrics. */
  readonly sdkAddress: string;
  close(): Promise<void>;
}

/** The registry for the catalog's datasets, with each one's due time. */
export function metricsForCatalog(catalog: DatasetCatalog, config: Config): CourantMetrics {
  return new CourantMetrics({
    datasets: catalog.names.map((name) => ({ name, dueHours: catalog.dueHours(name) })),
    codeVersion: config.codeVersion,
    cacheEnabled: (config.storage.s3?.cacheMaxBytes ?? 0) > 0,
  });
}

/**
 * Starts serving metrics on METRICS_ADDRESS, or returns null when it is unset. An address already
 * in use is a ConfigError naming METRICS_ADDRESS and the address.
 */
export async function startWorkerMetrics(
  config: Config,
  catalog: DatasetCatalog,
  logger: Logger,
): Promise<WorkerMetrics | null> {
  if (config.metricsAddress === null) return null;
  const metrics = metricsForCatalog(catalog, config);
  const sdkAddress = `127.0.0.1:${await freePort()}`;
  const server = await startMetricsServer({
    address: config.metricsAddress,
    registry: metrics.registry,
    sdkAddress,
    logger: logger.child({ component: 'metrics' }),
  });
  return { metrics, sdkAddress, close: () => server.close() };
}
