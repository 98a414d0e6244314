/** `courant dev`: the embedded stack (Temporal dev server + UI, document store) and a worker. */
import type { Command } from 'commander';
import path from 'node:path';
import { ensureStack } from '../../stack/ensure.js';
import { runWorker } from '../../workers/worker.js';
import type { CommandContext } from '../context.js';

export function registerDevCommand(program: Command, context: () => CommandContext): void {
  program
    .command('dev')
    .description('start the embedded stack and a worker in the foreground; Ctrl-C stops all')
    .option('--state-dir <dir>', 'where the embedded servers keep their data and logs', '.courant')
    .action(async (options: { stateDir: string }) => {
      const ctx = context();
      const stack = await ensureStack(ctx.config, path.resolve(options.stateDir), ctx.logger);
      try {
        ctx.out.write(
          `Temporal:       ${stack.temporalAddress}\n` +
            (stack.temporalUi ? `Temporal UI:    ${stack.temporalUi}\n` : '') +
            `Document store: ${stack.mongodbUrl}\n` +
            `Data:           ${ctx.config.storage.dataDir}\n`,
        );
        await runWorker(ctx.config, ctx.logger);
      } finally {
        await stack.stop();
      }
    });
}
