/** The console on a free loopback port over a test configuration, and raw HTTP requests to it. */
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Config } from '../../src/config/index.js';
import { registeredCatalog } from '../../src/datasets/catalog.js';
import { buildConsoleServer, type RateLimitSettings } from '../../src/serve/server.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { RecordStore } from '../../src/storage/records.js';

export interface RunningConsole {
  readonly origin: string;
  /** Every log line the server wrote. */
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startConsole(options: {
  config: Config;
  records: RecordStore;
  objects: ObjectStore;
  tokens: readonly string[] | null;
  rateLimit?: RateLimitSettings;
  now?: () => Date;
}): Promise<RunningConsole> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildConsoleServer({
    ...options,
    catalog: registeredCatalog(options.config.datasets),
    stores: { records: `the document store at ${options.records.location} (MONGODB_URL)`, objects: 'file://DATA_DIR' },
    logger: pino({ level: 'info' }, sink),
  });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  return { origin, logs, close: () => app.close() };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * A request with the path sent exactly as given (no normalisation of `..` or `%2e%2e`, unlike fetch);
 * `setHost: false` sends no Host header.
 */
export function rawRequest(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  options: { readonly setHost?: boolean } = {},
): Promise<RawResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A GET with the path sent exactly as given. */
export function rawGet(origin: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(origin, 'GET', path, headers);
}
