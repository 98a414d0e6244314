/**
 * Routes the Temporal SDK's logs (core, worker, workflow and activity loggers) to pino, with every
 * error among their fields (e.g. "Activity failed" and its `error`) kept whole; and, when asked,
 * turns on the SDK's Prometheus exporter.
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { withErrorFields } from '../faults/error-fields.js';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Writes the SDK's log entries to pino under `component: temporal`. */
export function forwardSdkLogs(logger: Logger): (entry: LogEntry) => void {
  const sdk = logger.child({ component: 'temporal' });
  return (entry) => sdk[PINO_LEVEL[entry.level]](withErrorFields(entry.meta ?? {}), entry.message);
}

let installed = false;

/**
 * Installs the Runtime once per process; later calls are no-ops (the Runtime is process-wide).
 * With `metricsAddress`, the SDK's Prometheus exporter listens there, with `_total` counters and
 * durations in seconds, as Prometheus names them.
 */
export function installTemporalRuntime(logger: Logger, metricsAddress?: string): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('INFO', forwardSdkLogs(logger)),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      ...(metricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: metricsAddress,
                countersTotalSuffix: true,
                unitSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
}
