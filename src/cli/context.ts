/** What every command gets: configuration parsed once, the dataset catalog built once, a logger, and where to print. */
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { createLogger } from '../workers/logger.js';
import { humanLogDestination, resolveLogFormat, type LogFormat } from './human-logs.js';
import { registeredCatalog } from '../datasets/catalog.js';
import type { DatasetCatalog } from '../datasets/modules.js';
import { DATASET_MODULES } from '../datasets/registry.js';

/** A stream a command prints to: the process's stdout or stderr, or any writable stream in its place. */
export interface OutputStream extends NodeJS.WritableStream {
  /** True on a terminal: progress redraws its line, the status grid is in colour, logs are readable lines. */
  readonly isTTY?: boolean;
}

/** Where a command line prints: its results on stdout, its logs and errors on stderr. */
export interface CliStreams {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

export interface CommandContext {
  readonly config: Config;
  /** The registered datasets with their configuration: every dataset list, capability and due time comes from it. */
  readonly catalog: DatasetCatalog;
  readonly logger: Logger;
  /** pretty: the logs are readable lines for a person (see human-logs.ts); json: structured, unchanged. */
  readonly logFormat: LogFormat;
  /** Results. */
  readonly out: OutputStream;
  /** Notes for the person beside the results (logs go there too). */
  readonly err: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Logs go to stderr: as readable lines when LOG_FORMAT says so or, by default, when stderr is a terminal. */
export function createContext(env: NodeJS.ProcessEnv, streams: CliStreams): CommandContext {
  const config = loadConfig(env, DATASET_MODULES);
  const err = streams.stderr;
  const logFormat = resolveLogFormat(config.logFormat, err);
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const destination = logFormat === 'pretty' ? humanLogDestination(err, { verbose }) : err;
  return {
    config,
    catalog: registeredCatalog(config.datasets),
    logger: createLogger(config.logLevel, destination),
    logFormat,
    out: streams.stdout,
    err,
    env,
  };
}

/**
 * The logger of a command that tells on stdout what it does (`courant demo`, the servers `courant dev`
 * starts): for a person (LOG_FORMAT auto or pretty, whether stderr is a terminal or a pipe) readable
 * lines, and at LOG_LEVEL=info warnings and errors only, since its own lines already say what the
 * info logs would (the worker's start and shutdown among them). LOG_FORMAT=json keeps every record.
 */
export function narratingLogger(ctx: CommandContext): Logger {
  if (ctx.config.logFormat === 'json') return ctx.logger;
  const verbose = ctx.config.logLevel === 'debug' || ctx.config.logLevel === 'trace';
  const level = ctx.config.logLevel === 'info' ? 'warn' : ctx.config.logLevel;
  return ctx.logFormat === 'pretty'
    ? ctx.logger.child({}, { level })
    : createLogger(level, humanLogDestination(ctx.err, { verbose }));
}
