/** Starts the embedded servers: the Temporal dev server (with Web UI) and the document store. */
import path from 'node:path';
import { devServerSearchAttributeArgs } from '../shared/search-attributes.js';
import { waitForPort } from './ports.js';
import { startProcess, type ManagedProcess } from './process.js';

export interface TemporalDevServerOptions {
  readonly cliPath: string;
  readonly host: string;
  readonly port: number;
  readonly uiPort: number;
  readonly namespace: string;
  /** Persist workflow history in this SQLite file; in memory when absent. */
  readonly dbFile?: string;
  readonly logDir: string;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<ManagedProcess> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.host,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...devServerSearchAttributeArgs(),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
  ];
  const server = await startProcess('temporal', options.cliPath, args, path.join(options.logDir, 'temporal.log'));
  try {
    await waitForPort(options.host, options.port, {
      timeoutMs: 60_000,
      what: 'temporal dev server',
      alive: () => server.isAlive(),
    });
  } catch (error) {
    await server.stop();
    throw new Error(`temporal dev server failed to start; see ${server.logFile}`, { cause: error });
  }
  return server;
}

export interface DocumentStoreOptions {
  readonly binary: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logDir: string;
}

export async function startDocumentStore(options: DocumentStoreOptions): Promise<ManagedProcess> {
  const args = ['--listen-addr', `${options.host}:${options.port}`, '--sqlite-dir', options.dataDir];
  const server = await startProcess('ferretdb', options.binary, args, path.join(options.logDir, 'ferretdb.log'));
  try {
    await waitForPort(options.host, options.port, {
      timeoutMs: 30_000,
      what: 'document store',
      alive: () => server.isAlive(),
    });
  } catch (error) {
    await server.stop();
    throw new Error(`document store failed to start; see ${server.logFile}`, { cause: error });
  }
  return server;
}
