/** The Temporal client of a command line. */
import type { Client } from '@temporalio/client';
import { createLogger } from '../workers/logger.js';
import { connectClient } from '../workers/temporal-connection.js';
import type { CommandContext } from './context.js';

/**
 * A client for the command's configuration; its own tracing (when on) logs export failures as JSON
 * at LOG_LEVEL on the command's stderr, so that each command line's logs stay on its own streams.
 */
export function connectCommandClient(ctx: CommandContext): Promise<{ client: Client; close: () => Promise<void> }> {
  return connectClient(ctx.config, { logger: createLogger(ctx.config.logLevel, ctx.err) });
}
