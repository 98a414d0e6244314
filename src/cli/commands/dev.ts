/**
 * `courant dev`: the embedded stack (Temporal dev server + UI, and the storage servers of the
 * detected mode: the document store, or MinIO and DynamoDB Local) and a worker. Prints the storage
 * mode and why it was chosen.
 */
import type { Command } from 'commander';
import { ensureStack, usesOnlyLocalAwsEndpoints } from '../../stack/ensure.js';
import { describeStorage } from '../../storage/index.js';
import { runWorker } from '../../workers/worker.js';
import { narratingLogger, type CommandContext } from '../context.js';
import { parseStateDirOption } from '../options.js';

export function defineDevCommand(command: Command, context: () => CommandContext): void {
  command
    .option('--state-dir <dir>', 'where the embedded servers keep their data and logs', '.courant')
    .action(async (options: { stateDir: string }) => {
      const stateDir = await parseStateDirOption(options.stateDir);
      const ctx = context();
      // On servers of this machine, dev creates the bucket and tables it needs.
      const config = usesOnlyLocalAwsEndpoints(ctx.config)
        ? { ...ctx.config, storage: { ...ctx.config.storage, createMissing: true } }
        : ctx.config;
      // The servers it started are printed below.
      const stack = await ensureStack(config, stateDir, narratingLogger(ctx), {
        accessKeyId: ctx.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: ctx.env.AWS_SECRET_ACCESS_KEY,
      });
      try {
        const storage = describeStorage(config);
        ctx.out.write(
          `Storage mode:   ${storage.mode} (${storage.reason})\n` +
            `Objects:        ${storage.objects}\n` +
            (storage.mirror ? `Local mirror:   ${storage.mirror}\n` : '') +
            (storage.cache ? `S3 cache:       ${storage.cache}\n` : '') +
            `Records:        ${storage.records}\n` +
            `Temporal:       ${stack.temporalAddress}\n` +
            (stack.temporalUi ? `Temporal UI:    ${stack.temporalUi}\n` : '') +
            (stack.started.length > 0 ? `Started:        ${stack.started.join(', ')}\n` : ''),
        );
        await runWorker(config, ctx.logger);
      } finally {
        await stack.stop();
      }
    });
}
