/** What every command gets: configuration parsed once, a logger, and where to print. */
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { createLogger } from '../workers/logger.js';

export interface CommandContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly out: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function createContext(env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): CommandContext {
  const config = loadConfig(env);
  return { config, logger: createLogger(config.logLevel), out, env };
}
