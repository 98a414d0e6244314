/**
 * `courant demo`: the whole pipeline offline on the embedded stack — Temporal dev server + UI,
 * document store, a worker — with the source of the dataset that ships a demo played on loopback
 * from the real samples it ships.
 */
import type { Command } from 'commander';
import { startDay } from '../../client/start-day.js';
import type { DatasetDemo, DatasetModule } from '../../datasets/contract.js';
import { DATASET_MODULES } from '../../datasets/registry.js';
import { createStorage } from '../../storage/index.js';
import { ensureStack } from '../../stack/ensure.js';
import { connectClient } from '../../workers/temporal-connection.js';
import { runWorker } from '../../workers/worker.js';
import { narratingLogger, type CommandContext } from '../context.js';
import { printDemoSummary } from '../demo-summary.js';
import { UsageError } from '../errors.js';
import { parseDayOption, parseStateDirOption } from '../options.js';
import { awaitDay } from '../progress.js';

type Config = CommandContext['config'];

const DEMO = DATASET_MODULES.find(
  (module): module is DatasetModule<unknown> & { demo: DatasetDemo<unknown> } => module.demo !== undefined,
);

export function registerDemoCommand(program: Command, context: () => CommandContext): void {
  if (!DEMO) return;
  const { name, demo } = DEMO;
  program
    .command('demo')
    .description(`run one ${DEMO.title} day from the shipped real samples on the embedded stack, offline`)
    .option('--date <YYYY-MM-DD>', `a day of ${demo.days}`, demo.defaultDate)
    .option('--state-dir <dir>', 'where the embedded servers keep their data and logs', '.courant')
    .option('--keep-running', 'keep the stack up after the day to explore the Web UI (default: when run in a terminal)')
    .option('--no-keep-running', 'stop the stack as soon as the day has finished')
    .action(async (options: { date: string; stateDir: string; keepRunning?: boolean }) => {
      const date = parseDayOption('--date', options.date, new Date());
      if (!demo.covers(date)) throw new UsageError(`--date: the demo samples cover ${demo.days}`);
      const stateDir = await parseStateDirOption(options.stateDir);
      const ctx = context();
      const source = await demo.start(ctx.config.datasets[name]);
      const config: Config = { ...ctx.config, datasets: { ...ctx.config.datasets, [name]: source.config } };
      const logger = narratingLogger(ctx);
      const stack = await ensureStack(config, stateDir, logger);
      try {
        ctx.out.write(
          `courant demo: ${DEMO.title} ${date} from real samples, offline\n` +
            `  Temporal       ${stack.temporalAddress}${stack.temporalUi ? `  (Web UI ${stack.temporalUi})` : ''}\n` +
            `  Records        ${stack.mongodbUrl}\n` +
            `  Source         ${source.source}\n` +
            `  Outputs        ${config.storage.dataDir}\n\n`,
        );
        await runWorker(config, logger, { until: () => runDemoDay(ctx, config, name, date) });
        await printSummary(ctx, config, name, date, stack.temporalUi);
        const keepRunning = options.keepRunning ?? process.stdout.isTTY === true;
        if (keepRunning) {
          ctx.out.write('\nThe stack keeps running so that you can explore it. Press Ctrl-C to stop.\n');
          await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
        }
      } finally {
        await stack.stop();
        await source.close();
      }
    });
}

async function runDemoDay(ctx: CommandContext, config: Config, dataset: string, date: string): Promise<void> {
  const { client, close } = await connectClient(config);
  try {
    const handle = await startDay(client, {
      date,
      datasets: [dataset],
      runKind: 'manual',
      taskQueue: config.temporal.taskQueue,
    });
    // The summary lists the report's files, with the page as a link.
    await awaitDay(client, handle, date, [dataset], ctx.out, { withReportKeys: false });
  } finally {
    await close();
  }
}

/** The day's summary, from its daily report and its record (see demo-summary.ts). */
async function printSummary(ctx: CommandContext, config: Config, dataset: string, date: string, ui: string | null) {
  const storage = await createStorage(config);
  try {
    await printDemoSummary(ctx.out, { config, storage, dataset, date, ui });
  } finally {
    await storage.close();
  }
}
