/**
 * The worker's Prometheus endpoint: `GET /metrics` on METRICS_ADDRESS serves courant's metrics
 * followed by the Temporal SDK's, which the SDK's own exporter serves on an internal loopback
 * address. One address to scrape; the SDK's part is left out while its exporter does not answer.
 */
import http from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConfigError } from '../config/index.js';
import { splitHostPort } from '../stack/ports.js';

export interface MetricsServerOptions {
  /** METRICS_ADDRESS, `host:port`. */
  readonly address: string;
  readonly registry: Registry;
  /** `host:port` of the Temporal SDK's Prometheus exporter, appended to every scrape. */
  readonly sdkAddress: string | null;
  readonly logger: Logger;
}

export interface MetricsServer {
  close(): Promise<void>;
}

const SDK_SCRAPE_TIMEOUT_MS = 5_000;

/** The SDK exporter's text, or '' when it does not answer (not started yet, or no SDK metrics). */
async function sdkExposition(sdkAddress: string | null, logger: Logger): Promise<string> {
  if (sdkAddress === null) return '';
  try {
    const response = await fetch(`http://${sdkAddress}/metrics`, {
      signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS),
    });
    return response.ok ? await response.text() : '';
  } catch (error) {
    logger.debug({ sdkAddress, err: error }, 'Temporal SDK metrics not available for this scrape');
    return '';
  }
}

/** The ConfigError naming METRICS_ADDRESS when it cannot be listened on, else the error itself. */
function listenError(address: string, error: Error): Error {
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === 'EADDRINUSE') {
    return new ConfigError([
      `METRICS_ADDRESS: ${address} is already in use (EADDRINUSE); choose a free host:port or unset METRICS_ADDRESS`,
    ]);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND') {
    return new ConfigError([`METRICS_ADDRESS: cannot listen on ${address} (${code}); choose another host:port`]);
  }
  return error;
}

/**
 * Listens on `address` and serves the metrics until close(). An address already in use (or not
 * local, or not allowed) is a ConfigError naming METRICS_ADDRESS and the address.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, sdkAddress, logger } = options;
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    Promise.all([registry.metrics(), sdkExposition(sdkAddress, logger)]).then(
      ([own, sdk]) => response.writeHead(200, { 'content-type': registry.contentType }).end(`${own}\n${sdk}`),
      (error: unknown) => {
        logger.error({ err: error }, 'could not collect metrics');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('could not collect metrics\n');
      },
    );
  });
  const { host, port } = splitHostPort(options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(options.address, error)));
    server.listen(port, host, () => resolve());
  });
  logger.info({ address: options.address, sdkAddress }, 'metrics served at /metrics');
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
