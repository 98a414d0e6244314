/** The console (`courant serve`'s server) over a bench's storage, on a free loopback port, logging nothing. */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { registeredCatalog } from '../../src/datasets/catalog.js';
import type { DatasetCatalog } from '../../src/datasets/modules.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { buildConsoleServer } from '../../src/serve/server.js';
import { createStorage, type Storage } from '../../src/storage/index.js';

export async function startBenchConsole(
  storage: Pick<Storage, 'records' | 'objects'>,
  config: Config,
  catalog: DatasetCatalog,
): Promise<{ readonly origin: string; close(): Promise<void> }> {
  const app = await buildConsoleServer({
    records: storage.records,
    objects: storage.objects,
    stores: { records: 'the document store', objects: 'DATA_DIR' },
    config,
    catalog,
    logger: pino({ level: 'silent' }),
    tokens: null,
  });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  return { origin, close: () => app.close() };
}

/**
 * `work` given the origin of a console over the storage `env` configures (a stack's), in this
 * process; the console and the storage closed after.
 */
export async function withBenchConsole<T>(
  env: Readonly<Record<string, string>>,
  work: (origin: string) => Promise<T>,
): Promise<T> {
  const config = loadConfig(env, DATASET_MODULES);
  const storage = await createStorage(config);
  try {
    const app = await startBenchConsole(storage, config, registeredCatalog(config.datasets));
    try {
      return await work(app.origin);
    } finally {
      await app.close();
    }
  } finally {
    await storage.close();
  }
}

/** Milliseconds of one GET of `url` answered 200, and its body. */
export async function timedGet(url: string): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 300)}`);
  return { ms, body };
}
