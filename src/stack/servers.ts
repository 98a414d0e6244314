/**
 * Starts the embedded servers: the Temporal dev server (with its Web UI unless headless), the
 * document store, and for aws mode on one machine MinIO (S3-compatible) and DynamoDB Local.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devServerSearchAttributeArgs } from '../workflow-safe/search-attributes.js';
import { isNotFound } from '../storage/atomic-file.js';
import { waitForPort } from './ports.js';
import { startProcess, type ManagedProcess } from './process.js';

export interface TemporalDevServerOptions {
  readonly cliPath: string;
  readonly host: string;
  readonly port: number;
  /** The Web UI's port; without one the server runs headless (no UI, no port of its own to clash). */
  readonly uiPort?: number;
  readonly namespace: string;
  /** Persist workflow history in this SQLite file; in memory when absent. */
  readonly dbFile?: string;
  readonly logDir: string;
}

/**
 * Server settings the embedded dev server runs with: eager activity dispatch hands a workflow's
 * next activity to the worker in the answer to its workflow task, saving a round trip through
 * the task queue per step (docker-compose.yml sets the same; a server without it still works).
 */
export const DEV_SERVER_SPEED_SETTINGS = ['system.enableActivityEagerExecution=true'] as const;

/**
 * How long a server may take to answer before it is taken as hung. One that exits is caught at
 * once (`alive`), so this bounds only a server that neither answers nor exits: generous, as a slow
 * or loaded machine (a first start, the test suite's servers beside its other work) can take many
 * times the usual.
 */
const START_DEADLINE_MS = 5 * 60_000;

/**
 * Starts of the dev server before giving up on one that exits before it answers: beside the port
 * it is given, it binds ports of its own choosing (its HTTP API, its metrics, its services'
 * membership), which another process starting at the same moment may take first.
 */
const DEV_SERVER_STARTS = 3;

/**
 * The error of a server that did not start, stopped: its name, the last line it wrote to its log
 * from `logFrom` (what it said before it exited, or the headline of its panic; its folder may be
 * gone when a person reads the error) and the log.
 */
async function failedToStart(what: string, server: ManagedProcess, cause: unknown, logFrom = 0): Promise<Error> {
  await server.stop();
  const log = await readFile(server.logFile).catch((error: unknown) => {
    if (isNotFound(error)) return Buffer.alloc(0);
    throw error;
  });
  const text = log.subarray(logFrom).toString('utf8');
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  // A Go program that panics ends its log with a stack trace: its headline says why.
  const said = lines.findLast((line) => /^(panic|fatal error): /.test(line)) ?? lines.at(-1);
  return new Error(`${what} failed to start${said ? `: ${said}` : ''}; see ${server.logFile}`, { cause });
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<ManagedProcess> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.host,
    '--port',
    String(options.port),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...devServerSearchAttributeArgs(),
    ...DEV_SERVER_SPEED_SETTINGS.flatMap((setting) => ['--dynamic-config-value', setting]),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
  ];
  const logFile = path.join(options.logDir, 'temporal.log');
  for (let start = 1; ; start += 1) {
    const logFrom = await stat(logFile).then(
      (file) => file.size,
      (error: unknown) => {
        if (isNotFound(error)) return 0;
        throw error;
      },
    );
    const server = await startProcess('temporal', options.cliPath, args, logFile);
    try {
      await waitForPort(options.host, options.port, {
        timeoutMs: START_DEADLINE_MS,
        what: 'temporal dev server',
        alive: () => server.isAlive(),
      });
      return server;
    } catch (error) {
      if (server.isAlive() || start >= DEV_SERVER_STARTS)
        throw await failedToStart('temporal dev server', server, error, logFrom);
      await server.stop();
    }
  }
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
      timeoutMs: START_DEADLINE_MS,
      what: 'document store',
      alive: () => server.isAlive(),
    });
  } catch (error) {
    throw await failedToStart('document store', server, error);
  }
  return server;
}

export interface MinioOptions {
  readonly binary: string;
  readonly host: string;
  readonly port: number;
  /** Where MinIO keeps buckets and objects; kept across restarts. */
  readonly dataDir: string;
  readonly logDir: string;
  /** The root credentials clients sign with (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). */
  readonly rootUser: string;
  readonly rootPassword: string;
}

/** Starts MinIO (S3-compatible) on host:port and waits until it reports ready. */
export async function startMinio(options: MinioOptions): Promise<ManagedProcess> {
  const args = ['server', options.dataDir, '--address', `${options.host}:${options.port}`, '--quiet'];
  const server = await startProcess('minio', options.binary, args, path.join(options.logDir, 'minio.log'), {
    MINIO_ROOT_USER: options.rootUser,
    MINIO_ROOT_PASSWORD: options.rootPassword,
    MINIO_BROWSER: 'off',
    MINIO_UPDATE: 'off',
  });
  try {
    const ready = `http://${options.host}:${options.port}/minio/health/ready`;
    await waitForPort(options.host, options.port, {
      timeoutMs: START_DEADLINE_MS,
      what: 'minio',
      alive: () => server.isAlive(),
    });
    const deadline = Date.now() + START_DEADLINE_MS;
    while (
      !(await fetch(ready).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline || !server.isAlive()) throw new Error(`minio did not report ready at ${ready}`);
      await sleep(100);
    }
  } catch (error) {
    throw await failedToStart('minio', server, error);
  }
  return server;
}

export interface DynamoDbLocalOptions {
  readonly java: string;
  /** The directory holding DynamoDBLocal.jar, its dependencies and sqlite4java's native library. */
  readonly libDir: string;
  readonly host: string;
  readonly port: number;
  /** Where the database file lives (kept across restarts); in memory when absent. */
  readonly dbDir?: string;
  readonly logDir: string;
}

/**
 * Starts DynamoDB Local with `java` on `port` (it listens on every interface; tests and `courant
 * dev` talk to it on loopback). One shared database, whatever the region and credentials.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<ManagedProcess> {
  const args = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Djava.library.path=${options.libDir}`,
    `-Dsqlite4java.library.path=${options.libDir}`,
    '-cp',
    path.join(options.libDir, '*'),
    'com.amazonaws.services.dynamodbv2.local.main.ServerRunner',
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbDir ? ['-dbPath', options.dbDir] : ['-inMemory']),
  ];
  if (options.dbDir) await mkdir(options.dbDir, { recursive: true });
  const server = await startProcess(
    'dynamodb-local',
    options.java,
    args,
    path.join(options.logDir, 'dynamodb-local.log'),
  );
  try {
    await waitForPort(options.host, options.port, {
      timeoutMs: START_DEADLINE_MS,
      what: 'DynamoDB Local',
      alive: () => server.isAlive(),
    });
  } catch (error) {
    throw await failedToStart('DynamoDB Local', server, error);
  }
  return server;
}
