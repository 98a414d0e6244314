/**
 * The servers a bench run needs — a document store and a Temporal dev server on free loopback
 * ports — started together, ready once the dev server's namespace answers, stopped together; or a
 * document store alone, for the benches of the console.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/stack/ports.js';
import type { ManagedProcess } from '../../src/stack/process.js';
import { startDocumentStore, startTemporalDevServer } from '../../src/stack/servers.js';
import { resolveTool } from '../../src/stack/tools.js';

const HOST = '127.0.0.1';
const NAMESPACE = 'default';

export interface BenchServers {
  readonly pids: { readonly temporal: number; readonly documentStore: number };
  readonly temporalAddress: string;
  /** `mongodb://127.0.0.1:{port}`: add `/{database}`. */
  readonly mongoBase: string;
  /** A client of the dev server's `default` namespace. */
  readonly client: Client;
  stop(): Promise<void>;
}

async function waitForNamespace(connection: Connection): Promise<void> {
  for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
    try {
      await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** Starts both servers (the document store's files under `dataDir`, logs in `logDir`). */
export async function startBenchServers(dataDir: string, logDir: string): Promise<BenchServers> {
  const started: ManagedProcess[] = [];
  let connection: Connection | undefined;
  const stop = async () => {
    await connection?.close();
    for (const server of started.reverse()) await server.stop();
  };
  try {
    const mongoPort = await freePort();
    const documentStore = await startDocumentStore({
      binary: resolveTool('ferretdb'),
      host: HOST,
      port: mongoPort,
      dataDir: path.join(dataDir, 'ferretdb'),
      logDir,
    });
    started.push(documentStore);
    const temporalPort = await freePort();
    const temporal = await startTemporalDevServer({
      cliPath: resolveTool('temporal', process.env.TEMPORAL_CLI_PATH),
      host: HOST,
      port: temporalPort,
      namespace: NAMESPACE,
      logDir,
    });
    started.push(temporal);
    const temporalAddress = `${HOST}:${temporalPort}`;
    connection = await Connection.connect({ address: temporalAddress });
    await waitForNamespace(connection);
    return {
      pids: { temporal: temporal.pid, documentStore: documentStore.pid },
      temporalAddress,
      mongoBase: `mongodb://${HOST}:${mongoPort}`,
      client: new Client({ connection, namespace: NAMESPACE }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The environment of a worker (or a `courant` command) on `servers`: task queue `bench-{name}`,
 * database `bench_{name}`, local storage under `dataDir`, the workflow bundles built ahead in
 * `bundles`, then `extra` (sources, cost ledger, log level…).
 */
export function benchWorkerEnv(
  servers: Pick<BenchServers, 'temporalAddress' | 'mongoBase'>,
  name: string,
  dirs: { readonly dataDir: string; readonly bundles: string },
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: `bench-${name}`,
    MONGODB_URL: `${servers.mongoBase}/bench_${name.replaceAll('-', '_')}`,
    DATA_DIR: dirs.dataDir,
    STORAGE_MODE: 'local',
    WORKFLOW_BUNDLE_DIR: dirs.bundles,
    // The worker's process as the image runs it (docs/configuration.md, "The process").
    MALLOC_ARENA_MAX: '2',
    ...workerSettingsFromEnv(),
    ...extra,
  };
}

/**
 * The worker's settings a bench may be run with from its own environment (`DUCKDB_THREADS=1 node …`;
 * `MALLOC_ARENA_MAX=0`: glibc's own number of arenas).
 */
const WORKER_SETTINGS_FROM_ENV = [
  'WORKER_HEAP_GROWTH_PERCENT',
  'DUCKDB_THREADS',
  'BILLING_SHARD_PRMS',
  'MALLOC_ARENA_MAX',
] as const;

/** Those of {@link WORKER_SETTINGS_FROM_ENV} the bench's environment gives, for its workers. */
export function workerSettingsFromEnv(): Record<string, string> {
  return Object.fromEntries(
    WORKER_SETTINGS_FROM_ENV.flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
}

/**
 * Runs `bench` with a document store of its own (FerretDB on a free port, its files and log in a
 * temporary directory `dir`, prefixed `prefix`), then stops it and removes the directory.
 */
export async function withDocumentStore<T>(
  prefix: string,
  bench: (store: { readonly mongoBase: string; readonly dir: string }) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    const port = await freePort();
    const store = await startDocumentStore({
      binary: resolveTool('ferretdb'),
      host: HOST,
      port,
      dataDir: path.join(dir, 'ferretdb'),
      logDir: dir,
    });
    try {
      return await bench({ mongoBase: `mongodb://${HOST}:${port}`, dir });
    } finally {
      await store.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
