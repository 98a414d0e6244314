/**
 * The embedded default stack: reuse servers that already answer at the configured addresses,
 * start the missing ones there (loopback only), and stop what was started. Local mode needs the
 * Temporal dev server and the document store; aws mode with loopback endpoints (S3_ENDPOINT,
 * DYNAMODB_ENDPOINT) gets MinIO and DynamoDB Local instead.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { canListen, freePort, isListening, splitHostPort } from './ports.js';
import type { ManagedProcess } from './process.js';
import { startDocumentStore, startDynamoDbLocal, startMinio, startTemporalDevServer } from './servers.js';
import { resolveDynamoDbLocal, resolveTool } from './tools.js';

export interface EmbeddedStack {
  readonly temporalAddress: string;
  /** Web UI address when this stack started the dev server, else null (a server already ran). */
  readonly temporalUi: string | null;
  readonly mongodbUrl: string;
  /** The servers this stack started, by name (e.g. `minio at 127.0.0.1:9000`), for `courant dev`. */
  readonly started: readonly string[];
  stop(): Promise<void>;
}

/** Credentials for a MinIO the stack starts: the same the AWS SDK will sign with. */
export interface StackCredentials {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** host and port of an http(s) endpoint URL. */
function endpointOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)),
  };
}

/** True when every aws endpoint in use is on this machine (so `courant dev` may create the bucket and tables). */
export function usesOnlyLocalAwsEndpoints(config: Config): boolean {
  const endpoints = [config.storage.s3, config.storage.dynamodb].filter((c) => c !== null);
  return endpoints.length > 0 && endpoints.every((c) => c.endpoint && LOOPBACK.has(endpointOf(c.endpoint).host));
}

export async function ensureStack(
  config: Config,
  stateDir: string,
  logger: Logger,
  credentials: StackCredentials = {},
): Promise<EmbeddedStack> {
  const started: ManagedProcess[] = [];
  const names: string[] = [];
  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
  };
  const logDir = path.join(stateDir, 'logs');
  /** Starts `start()` unless host:port answers already; refuses to start anything off loopback. */
  const ensure = async (what: string, host: string, port: number, start: () => Promise<ManagedProcess>) => {
    if (await isListening(host, port)) {
      logger.info({ what, host, port }, `using the ${what} already running`);
      return false;
    }
    if (!LOOPBACK.has(host)) throw new Error(`nothing answers at ${host}:${port} (${what})`);
    started.push(await start());
    names.push(`${what} at ${host}:${port}`);
    logger.info({ what, host, port }, `started the embedded ${what}`);
    return true;
  };
  try {
    const temporal = splitHostPort(config.temporal.address);
    let uiPort = temporal.port + 1000;
    const startedTemporal = await ensure('Temporal dev server', temporal.host, temporal.port, async () => {
      uiPort = await webUiPort(temporal.host, temporal.port, logger);
      return startTemporalDevServer({
        cliPath: resolveTool('temporal', config.temporal.cliPath),
        host: temporal.host,
        port: temporal.port,
        uiPort,
        namespace: config.temporal.namespace,
        dbFile: path.join(stateDir, 'temporal.sqlite'),
        logDir,
      });
    });

    if (config.storage.databaseType === 'mongodb') {
      const mongo = new URL(config.storage.mongodbUrl);
      const port = Number(mongo.port || 27017);
      await ensure('document store', mongo.hostname, port, () =>
        startDocumentStore({
          binary: resolveTool('ferretdb'),
          host: mongo.hostname,
          port,
          dataDir: path.join(stateDir, 'ferretdb'),
          logDir,
        }),
      );
    }

    const s3Endpoint = config.storage.s3?.endpoint;
    if (s3Endpoint) {
      const { host, port } = endpointOf(s3Endpoint);
      await ensure('S3-compatible server (MinIO)', host, port, () => {
        if (!credentials.accessKeyId || !credentials.secretAccessKey)
          throw new Error(
            'set AWS_ACCESS_KEY_ID (letters and digits) and AWS_SECRET_ACCESS_KEY (8+ characters): ' +
              'the embedded MinIO is started with them, and the AWS SDK signs with them',
          );
        return startMinio({
          binary: resolveTool('minio'),
          host,
          port,
          dataDir: path.join(stateDir, 'minio'),
          logDir,
          rootUser: credentials.accessKeyId,
          rootPassword: credentials.secretAccessKey,
        });
      });
    }

    const dynamodbEndpoint = config.storage.dynamodb?.endpoint;
    if (dynamodbEndpoint) {
      const { host, port } = endpointOf(dynamodbEndpoint);
      await ensure('DynamoDB Local', host, port, () =>
        startDynamoDbLocal({ ...resolveDynamoDbLocal(), host, port, dbDir: path.join(stateDir, 'dynamodb'), logDir }),
      );
    }

    return {
      temporalAddress: config.temporal.address,
      temporalUi: startedTemporal ? `http://${temporal.host}:${uiPort}` : null,
      mongodbUrl: config.storage.mongodbUrl,
      started: names,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The Web UI's port for a dev server on `port`: the Temporal CLI's own choice, `port + 1000`, while
 * nothing holds it; otherwise a free port, said in the log, rather than a dev server that will not start.
 */
async function webUiPort(host: string, port: number, logger: Pick<Logger, 'warn'>): Promise<number> {
  const usual = port + 1000;
  if (await canListen(host, usual)) return usual;
  const free = await freePort(host);
  logger.warn({ usual, port: free }, `port ${usual} is taken: the Temporal Web UI listens on ${free}`);
  return free;
}
