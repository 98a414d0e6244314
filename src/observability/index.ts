/** Observability: courant's Prometheus metrics, their endpoint, and where they are recorded from. */
export { CourantMetrics, type ActivityMetrics, type CourantMetricsOptions, type FinishedDay } from './metrics.js';
export { measuredObjectStore } from './object-store.js';
export { stageMetricsInterceptor } from './activity-interceptor.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './server.js';
export { metricsForCatalog, startWorkerMetrics, type WorkerMetrics } from './worker-metrics.js';
