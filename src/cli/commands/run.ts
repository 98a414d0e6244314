/** `courant run --date D [--datasets a,b] [--wait]`: run one day now (RunKind=manual). */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { failureChain } from '../../client/failure-text.js';
import { startDay } from '../../client/start-day.js';
import { DATASETS, type DatasetName } from '../../shared/datasets.js';
import { workflowIds } from '../../shared/keys.js';
import { PipelineStageAttribute } from '../../shared/search-attributes.js';
import { connectClient } from '../../workers/temporal-connection.js';
import type { CommandContext } from '../context.js';
import { PipelineFailedError } from '../errors.js';
import { parseDatasetsOption, parseDayOption } from '../options.js';

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
        const handle = await startDay(client, { date, runKind: 'manual', taskQueue: ctx.config.temporal.taskQueue, ...(datasets ? { datasets } : {}) });
        ctx.out.write(`${handle.workflowId} started (run ${handle.firstExecutionRunId}) on task queue ${ctx.config.temporal.taskQueue}\n`);
        if (options.wait !== true) return;
        const progress = watchProgress(client, date, datasets ?? [...DATASETS], ctx.out);
        try {
          const result = await handle.result();
          ctx.out.write(`${handle.workflowId} succeeded\n`);
          for (const d of result.datasets) {
            ctx.out.write(`  ${d.dataset}: ${d.rows.written} rows written, ${d.rows.rejected} rejected, completeness ${d.completeness ?? 'n/a'}\n`);
          }
          ctx.out.write(`  report: ${result.reportKeys.join(', ')}\n`);
        } catch (error) {
          if (error instanceof WorkflowFailedError) throw new PipelineFailedError(`${handle.workflowId} failed\n${failureChain(error.cause ?? error)}`);
          throw error;
        } finally {
          await progress.stop();
        }
      } finally {
        await close();
      }
    });
}

/** Prints each dataset's stage when it changes, from the children's search attributes. */
function watchProgress(client: Client, date: string, datasets: DatasetName[], out: NodeJS.WritableStream) {
  let stopped = false;
  const seen = new Map<string, string>();
  const loop = async () => {
    while (!stopped) {
      for (const dataset of datasets) {
        const description = await client.workflow.getHandle(workflowIds.datasetDay(dataset, date)).describe().catch(() => null);
        const stage = description?.typedSearchAttributes.get(PipelineStageAttribute);
        const status = description?.status.name;
        const line = stage && status ? `${stage} (${status.toLowerCase()})` : null;
        if (line && seen.get(dataset) !== line) {
          seen.set(dataset, line);
          out.write(`  ${dataset}: ${line}\n`);
        }
      }
      await sleep(500);
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      await running;
    },
  };
}
