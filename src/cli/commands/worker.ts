/** `courant worker`: run a worker against the configured Temporal and storage (production). */
import type { Command } from 'commander';
import { runWorker } from '../../workers/worker.js';
import type { CommandContext } from '../context.js';

export function defineWorkerCommand(command: Command, context: () => CommandContext): void {
  command
    .option(
      '--wait-for-services',
      'keep retrying with backoff while Temporal or a store cannot be reached at start (default: exit 2 at once)',
      false,
    )
    .action(async (options: { waitForServices?: boolean }) => {
      const ctx = context();
      await runWorker(ctx.config, ctx.logger, { waitForServices: options.waitForServices === true });
    });
}
