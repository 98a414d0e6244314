/**
 * The embedded default stack: reuse servers that already answer at the configured addresses,
 * start the missing ones there (loopback only), and stop what was started.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { isListening, splitHostPort } from './ports.js';
import type { ManagedProcess } from './process.js';
import { startDocumentStore, startTemporalDevServer } from './servers.js';
import { resolveTool } from './tools.js';

export interface EmbeddedStack {
  readonly temporalAddress: string;
  /** Web UI address when this stack started the dev server, else null (a server already ran). */
  readonly temporalUi: string | null;
  readonly mongodbUrl: string;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function ensureStack(config: Config, stateDir: string, logger: Logger): Promise<EmbeddedStack> {
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
  };
  try {
    const temporal = splitHostPort(config.temporal.address);
    let temporalUi: string | null = null;
    if (await isListening(temporal.host, temporal.port)) {
      logger.info({ address: config.temporal.address }, 'using the Temporal server already running');
    } else {
      if (!LOOPBACK.has(temporal.host))
        throw new Error(`nothing answers at TEMPORAL_ADDRESS=${config.temporal.address}`);
      const uiPort = temporal.port + 1000;
      started.push(
        await startTemporalDevServer({
          cliPath: resolveTool('temporal', config.temporal.cliPath),
          host: temporal.host,
          port: temporal.port,
          uiPort,
          namespace: config.temporal.namespace,
          dbFile: path.join(stateDir, 'temporal.sqlite'),
          logDir: path.join(stateDir, 'logs'),
        }),
      );
      temporalUi = `http://${temporal.host}:${uiPort}`;
      logger.info({ address: config.temporal.address, ui: temporalUi }, 'started the Temporal dev server');
    }

    const mongo = new URL(config.storage.mongodbUrl);
    const mongoPort = Number(mongo.port || 27017);
    if (await isListening(mongo.hostname, mongoPort)) {
      logger.info({ host: mongo.host }, 'using the document store already running');
    } else {
      if (!LOOPBACK.has(mongo.hostname)) throw new Error(`nothing answers at MONGODB_URL host ${mongo.host}`);
      started.push(
        await startDocumentStore({
          binary: resolveTool('ferretdb'),
          host: mongo.hostname,
          port: mongoPort,
          dataDir: path.join(stateDir, 'ferretdb'),
          logDir: path.join(stateDir, 'logs'),
        }),
      );
      logger.info({ host: mongo.host }, 'started the embedded document store');
    }
    return { temporalAddress: config.temporal.address, temporalUi, mongodbUrl: config.storage.mongodbUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
