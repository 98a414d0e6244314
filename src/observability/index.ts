/** Observability: courant's Prometheus metrics, their endpoint, and where they are recorded from. */
export { CourantMetrics } from './metrics.js';
export { measuredObjectStore } from './object-store.js';
export { stageMetricsInterceptor } from './activity-interceptor.js';
export { startWorkerMetrics, type WorkerMetrics } from './worker-metrics.js';
