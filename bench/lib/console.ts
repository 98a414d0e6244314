/** The console (`courant serve`'s server) over a bench's storage, on a free loopback port, logging nothing. */
import { pino } from 'pino';
import type { Config } from '../../src/config/index.js';
import type { DatasetCatalog } from '../../src/datasets/modules.js';
import { buildConsoleServer } from '../../src/serve/server.js';
import type { Storage } from '../../src/storage/index.js';

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
