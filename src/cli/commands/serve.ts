/**
 * `courant serve [--address 127.0.0.1:8080] [--insecure-no-auth]`: the web console and read API
 * over the configured storage (docs/console.md), as its own process; no worker needed. It listens
 * on loopback unless told otherwise, and elsewhere only with SERVE_TOKENS or `--insecure-no-auth`.
 * Stops cleanly on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { buildConsoleServer } from '../../serve/server.js';
import { isLoopback, parseListenAddress } from '../../serve/address.js';
import { createStorage, describeStorage, recordService } from '../../storage/index.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';

export function defineServeCommand(command: Command, context: () => CommandContext): void {
  command
    .option('--address <host:port>', 'where to listen', '127.0.0.1:8080')
    .option(
      '--insecure-no-auth',
      'listen off loopback without SERVE_TOKENS: anyone who reaches it reads everything',
      false,
    )
    .action(async (options: Record<string, unknown>) => {
      const address = parseListenAddress(String(options.address));
      if (!address)
        throw new UsageError(
          `--address: expected host:port, e.g. 127.0.0.1:8080, got ${JSON.stringify(options.address)}`,
        );
      const ctx = context();
      const tokens = ctx.config.serve.tokens;
      const open = options.insecureNoAuth === true;
      if (!isLoopback(address.host) && tokens.length === 0 && !open)
        throw new UsageError(
          `--address ${address.host} is not loopback: set SERVE_TOKENS (bearer tokens) or pass --insecure-no-auth`,
        );
      const storage = await createStorage(ctx.config, { logger: ctx.logger });
      const records = recordService(ctx.config);
      const app = await buildConsoleServer({
        records: storage.records,
        objects: storage.objects,
        stores: {
          records: `${records.service} at ${records.address} (${records.variable})`,
          objects: describeStorage(ctx.config).objects,
        },
        config: ctx.config,
        catalog: ctx.catalog,
        logger: ctx.logger,
        tokens: tokens.length > 0 ? tokens : null,
        rateLimit: { max: ctx.config.serve.rateLimit, windowMs: 60_000 },
      });
      const stopped = new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      try {
        const url = await app.listen({ host: address.host, port: address.port });
        ctx.logger.info(
          { url, auth: tokens.length > 0 ? 'bearer tokens' : 'none', storage: describeStorage(ctx.config).mode },
          'console listening',
        );
        ctx.out.write(`courant console on ${url}${tokens.length > 0 ? ' (bearer tokens required)' : ''}\n`);
        await stopped;
      } finally {
        await app.close();
        await storage.close();
      }
    });
}
