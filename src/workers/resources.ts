/** Clients the activities need, opened once per worker process and closed together. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActivityDeps } from '../activities/index.js';
import type { Config } from '../config/index.js';
import { registeredCatalog } from '../datasets/catalog.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import { measuredObjectStore, type CourantMetrics } from '../observability/index.js';
import { costCountedDuckDb, costCountedObjectStore, costCountedRecordStore } from '../observability/cost-counted.js';
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
 * With COST_LEDGER_FILE, the stores' calls and DuckDB's statements are counted in the cost ledger.
 * The activities get `catalog` (the worker's, built once at its start; by default the registered
 * datasets under `config`).
 */
export async function openWorkerResources(
  config: Config,
  logger?: Logger,
  metrics?: CourantMetrics,
  catalog: DatasetCatalog = registeredCatalog(config.datasets),
): Promise<WorkerResources> {
  const roots: LocalRoot[] = [...localRoots(config), { path: os.tmpdir(), variable: 'TMPDIR' }];
  for (const root of roots) await ensureWritableDirectory(root);
  const storage = await createStorage(config, logger ? { logger: logger.child({ component: 'storage' }) } : {});
  const scratchDir = await mkdtemp(path.join(os.tmpdir(), 'courant-'));
  try {
    await storage.prepare();
    await metrics?.freshness.seed(storage.records, catalog.names, new Date()).catch((error: unknown) => {
      logger?.warn(
        { err: error },
        'could not read freshness from the day records; it starts from the days finished now',
      );
    });
    const duckdb = await openDuckDb({
      tempDirectory: scratchDir,
      memoryLimit: config.duckdbMemoryLimit,
      threads: config.duckdbThreads,
    });
    const objects = metrics ? measuredObjectStore(storage.objects, metrics) : storage.objects;
    const costed = config.costLedgerFile !== null;
    return {
      deps: {
        objects: costed ? costCountedObjectStore(objects) : objects,
        records: costed ? costCountedRecordStore(storage.records) : storage.records,
        duckdb: costed ? costCountedDuckDb(duckdb) : duckdb,
        datasets: catalog,
        sourceTimeoutMs: config.sources.timeoutMs,
        scratchDir,
        duckdbMemoryLimit: config.duckdbMemoryLimit,
        billingShardPrms: config.billingShardPrms,
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
