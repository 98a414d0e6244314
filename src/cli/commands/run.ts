/**
 * `courant run --date D [--datasets a,b] [--accept-check NAME]… [--wait]`: run one day now
 * (RunKind=manual), optionally accepting failed `block` quality checks of its last run by name.
 */
import type { Command } from 'commander';
import { startDay } from '../../client/start-day.js';
import { dailyDatasetNames } from '../../datasets/catalog.js';
import { DATASET_NAMES } from '../../datasets/registry.js';
import { createStorage } from '../../storage/index.js';
import { connectCommandClient } from '../command-client.js';
import { checkAcceptable, parseAcceptCheckOptions } from '../accept-checks.js';
import type { CommandContext } from '../context.js';
import { parseDatasetsOption, parseDayOption } from '../options.js';
import { awaitDay } from '../progress.js';

export function defineRunCommand(command: Command, context: () => CommandContext): void {
  command
    .requiredOption('--date <YYYY-MM-DD>', 'the Paris day to run')
    .option(
      '--datasets <list>',
      `comma-separated datasets of ${DATASET_NAMES.join(', ')} (default: those that run daily)`,
    )
    .option(
      '--accept-check <name>',
      'accept a failed block check of the day knowingly (repeatable); recorded in the day record and report',
      (name: string, previous: string[]) => [...previous, name],
      [],
    )
    .option('--wait', 'wait for the day to finish, printing progress', false)
    .action(async (options: Record<string, unknown>) => {
      const now = new Date();
      const date = parseDayOption('--date', options.date, now);
      const datasets = parseDatasetsOption(options.datasets, DATASET_NAMES);
      const acceptChecks = parseAcceptCheckOptions(options.acceptCheck);
      const ctx = context();
      const watched = datasets ?? dailyDatasetNames(ctx.catalog, date);
      if (acceptChecks.length > 0) {
        const storage = await createStorage(ctx.config);
        try {
          await checkAcceptable(storage.records, date, watched, acceptChecks);
        } finally {
          await storage.close();
        }
      }
      const { client, close } = await connectCommandClient(ctx);
      try {
        const handle = await startDay(client, {
          date,
          runKind: 'manual',
          taskQueue: ctx.config.temporal.taskQueue,
          ...(datasets ? { datasets } : {}),
          ...(acceptChecks.length > 0 ? { acceptChecks } : {}),
        });
        if (acceptChecks.length > 0) ctx.out.write(`accepting ${acceptChecks.join(', ')} for this run of ${date}\n`);
        ctx.out.write(
          `${handle.workflowId} started (run ${handle.firstExecutionRunId}) on task queue ${ctx.config.temporal.taskQueue}\n`,
        );
        if (options.wait !== true) return;
        await awaitDay(client, handle, date, watched, ctx.out);
      } finally {
        await close();
      }
    });
}
