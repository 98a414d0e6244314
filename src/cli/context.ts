/** What every command gets: configuration parsed once, a logger, and where to print. */
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { createLogger } from '../workers/logger.js';
import { humanLogDestination, resolveLogFormat, type LogFormat } from './human-logs.js';
import { DATASET_MODULES } from '../datasets/registry.js';

export interface CommandContext {
  readonly config: Config;
  readonly logger: Logger;
  /** pretty: the logs are readable lines for a person (see human-logs.ts); json: structured, unchanged. */
  readonly logFormat: LogFormat;
  readonly out: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Logs go to stderr: as readable lines when LOG_FORMAT says so or, by default, when stderr is a terminal. */
export function createContext(env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): CommandContext {
  const config = loadConfig(env, DATASET_MODULES);
  const logFormat = resolveLogFormat(config.logFormat, process.stderr);
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const destination = logFormat === 'pretty' ? humanLogDestination(process.stderr, { verbose }) : process.stderr;
  return { config, logger: createLogger(config.logLevel, destination), logFormat, out, env };
}

/**
 * The logger of a command that tells on stdout what it does (`courant demo`, the servers `courant dev`
 * starts): for a person at LOG_LEVEL=info, warnings and errors only, since its own lines already say
 * what the info logs would.
 */
export function narratingLogger(ctx: CommandContext): Logger {
  return ctx.logFormat === 'pretty' && ctx.config.logLevel === 'info'
    ? ctx.logger.child({}, { level: 'warn' })
    : ctx.logger;
}
