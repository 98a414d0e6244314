/** Connections to Temporal from configuration: one for workers (native), one for clients (traced when tracing is on). */
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Tracing } from '../observability/tracing.js';
import { connecting, type ServiceAddress } from '../faults/service-unavailable.js';
import { createLogger } from './logger.js';

function temporalAddress(config: Config): ServiceAddress {
  return { service: 'Temporal', address: config.temporal.address, variable: 'TEMPORAL_ADDRESS' };
}

function connectionOptions(config: Config) {
  return {
    address: config.temporal.address,
    ...(config.temporal.tls || config.temporal.apiKey ? { tls: true } : {}),
    ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}),
  };
}

/** The worker's connection; an unreachable server is a ServiceUnavailableError naming TEMPORAL_ADDRESS. */
export async function connectWorkerConnection(config: Config): Promise<NativeConnection> {
  // Loaded here, not above: a command line's client starts without the worker's package.
  const { NativeConnection } = await import('@temporalio/worker');
  return connecting(temporalAddress(config), () => NativeConnection.connect(connectionOptions(config)));
}

/** The command line's own tracing when an endpoint is configured (its OpenTelemetry packages loaded only then), else none. */
async function ownTracing(config: Config, logger: Logger | undefined): Promise<Tracing | null> {
  if (config.tracing.otlpEndpoint === null) return null;
  const { startTracing } = await import('../observability/tracing.js');
  return startTracing(config, logger ?? createLogger(config.logLevel), { role: 'cli' });
}

export interface ConnectClientOptions {
  /** The tracing to use (the worker's, or none: null); by default the CLI's own, when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  readonly tracing?: Tracing | null;
  /** Where the CLI's own tracing logs export failures; a JSON logger at LOG_LEVEL on stderr by default. */
  readonly logger?: Logger;
}

/**
 * A client, tracing what it starts when tracing is on; close() flushes the spans of tracing it
 * started itself. An unreachable server is a ServiceUnavailableError within 6 seconds.
 */
export async function connectClient(
  config: Config,
  options: ConnectClientOptions = {},
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await connecting(temporalAddress(config), () =>
    Connection.connect({ ...connectionOptions(config), connectTimeout: '6 seconds' }),
  );
  const own = options.tracing === undefined;
  const tracing = own ? await ownTracing(config, options.logger) : options.tracing;
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    ...(tracing ? { interceptors: { workflow: tracing.clientInterceptors } } : {}),
  });
  return {
    client,
    close: async () => {
      if (own) await tracing?.shutdown();
      await connection.close();
    },
  };
}
