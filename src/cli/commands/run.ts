/** `courant run --date D [--datasets a,b] [--wait]`: run one day now (RunKind=manual). */
import { WorkflowFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { failureChain } from '../../client/failure-text.js';
import { startDay } from '../../client/start-day.js';
import { DATASETS } from '../../shared/datasets.js';
import { connectClient } from '../../workers/temporal-connection.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError } from '../errors.js';
import { parseDatasetsOption, parseDayOption } from '../options.js';
import { printDayResult, watchProgress } from '../progress.js';

export function registerRunCommand(program: Command, context: () => CommandContext): void {
  program
    .command('run')
    .description('run one day now (RunKind=manual); re-running a day is safe')
    .requiredOption('--date <YYYY-MM-DD>', 'the Paris day to run')
    .option('--datasets <list>', `comma-separated datasets (default: all: ${DATASETS.join(',')})`)
    .option('--wait', 'wait for the day to finish, printing progress', false)
    .action(async (options: Record<string, unknown>) => {
      const now = new Date();
      const date = parseDayOption('--date', options.date, now);
      const datasets = parseDatasetsOption(options.datasets);
      const ctx = context();
      const { client, close } = await connectClient(ctx.config);
      try {
        const handle = await startDay(client, {
          date,
          runKind: 'manual',
          taskQueue: ctx.config.temporal.taskQueue,
          ...(datasets ? { datasets } : {}),
        });
        ctx.out.write(
          `${handle.workflowId} started (run ${handle.firstExecutionRunId}) on task queue ${ctx.config.temporal.taskQueue}\n`,
        );
        if (options.wait !== true) return;
        const progress = watchProgress(client, date, datasets ?? [...DATASETS], ctx.out);
        try {
          printDayResult(ctx.out, handle.workflowId, await handle.result());
        } catch (error) {
          if (error instanceof WorkflowFailedError)
            throw new PipelineFailedError(`${handle.workflowId} failed\n${failureChain(error.cause ?? error)}`);
          throw error;
        } finally {
          await progress.stop();
        }
      } finally {
        await close();
      }
    });
}
