/** Clients the activities need, opened once per worker process and closed together. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActivityDeps } from '../activities/index.js';
import type { Config } from '../config/index.js';
import { registeredCatalog } from '../datasets/catalog.js';
import { measuredObjectStore, type CourantMetrics } from '../observability/index.js';
import { openDuckDb } from '../duckdb/duckdb.js';
import { ensureWritableDirectory, type LocalRoot } from '../faults/storage-misconfigured.js';
import { createStorage, localRoots } from '../storage/index.js';

export interface WorkerResources {
  readonly deps: ActivityDeps;
  close(): Promise<void>;
}

/**
 * Opens what the activities need. Refuses to start (StorageMisconfiguredError) when a local
 * directory cannot be written, and (ServiceUnavailableError) when a store cannot be reached.
 * With `metrics`, the object store is counted and the datasets' freshness read from the records.
 */
export async function openWorkerResources(
  config: Config,
  logger?: Logger,
  metrics?: CourantMetrics,
): Promise<WorkerResources> {
  const roots: LocalRoot[] = [...localRoots(config), { path: os.tmpdir(), variable: 'TMPDIR' }];
  for (const root of roots) await ensureWritableDirectory(root);
  const storage = await createStorage(config, logger ? { logger: logger.child({ component: 'storage' }) } : {});
  const scratchDir = await mkdtemp(path.join(os.tmpdir(), 'courant-'));
  try {
    await storage.prepare();
    const datasets = registeredCatalog(config.datasets);
    const names = datasets.all.map(({ module }) => module.name);
    await metrics?.freshness.seed(storage.records, names, new Date()).catch((error: unknown) => {
      logger?.warn(
        { err: error },
        'could not read freshness from the day records; it starts from the days finished now',
      );
    });
    const duckdb = await openDuckDb({ tempDirectory: scratchDir, memoryLimit: config.duckdbMemoryLimit });
    return {
      deps: {
        objects: metrics ? measuredObjectStore(storage.objects, metrics) : storage.objects,
        records: storage.records,
        duckdb,
        datasets,
        sourceTimeoutMs: config.sources.timeoutMs,
        scratchDir,
        localRoots: roots,
        codeVersion: config.codeVersion,
        sftp: config.sftp,
        ...(metrics ? { metrics } : {}),
      },
      async close() {
        duckdb.closeSync();
        await storage.close();
        await rm(scratchDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await storage.close();
    await rm(scratchDir, { recursive: true, force: true });
    throw error;
  }
}
