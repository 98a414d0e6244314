/**
 * `courant demo`: the whole pipeline offline on the embedded stack — Temporal dev server + UI,
 * document store, a worker — with the ODRÉ exports replayed from the real samples in test/fixtures.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { startDay } from '../../client/start-day.js';
import { isDemoDay, loadDemoExports, DEMO_DAYS } from '../../demo/sample-exports.js';
import { startOdreServer } from '../../demo/odre-replay-server.js';
import { storageKeys, workflowIds } from '../../shared/keys.js';
import { ensureStack } from '../../stack/ensure.js';
import { connectClient } from '../../workers/temporal-connection.js';
import { runWorker } from '../../workers/worker.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { parseDayOption } from '../options.js';
import { awaitDay } from '../progress.js';

export function registerDemoCommand(program: Command, context: () => CommandContext): void {
  program
    .command('demo')
    .description('run one eCO2mix day from the shipped real samples on the embedded stack, offline')
    .option('--date <YYYY-MM-DD>', `a day of December 2021, or ${DEMO_DAYS.extra}`, DEMO_DAYS.default)
    .option('--state-dir <dir>', 'where the embedded servers keep their data and logs', '.courant')
    .option('--keep-running', 'keep the stack up after the day to explore the Web UI (default: when run in a terminal)')
    .option('--no-keep-running', 'stop the stack as soon as the day has finished')
    .action(async (options: { date: string; stateDir: string; keepRunning?: boolean }) => {
      const date = parseDayOption('--date', options.date, new Date());
      if (!isDemoDay(date))
        throw new UsageError(
          `--date: the demo samples cover ${DEMO_DAYS.first}..${DEMO_DAYS.last} and ${DEMO_DAYS.extra}`,
        );
      const ctx = context();
      const odre = await startOdreServer(await loadDemoExports());
      const config = { ...ctx.config, sources: { ...ctx.config.sources, eco2mixBaseUrl: odre.baseUrl } };
      const stack = await ensureStack(config, path.resolve(options.stateDir), ctx.logger);
      try {
        ctx.out.write(
          `courant demo: eCO2mix ${date} from real samples, offline\n` +
            `  Temporal       ${stack.temporalAddress}${stack.temporalUi ? `  (Web UI ${stack.temporalUi})` : ''}\n` +
            `  Records        ${stack.mongodbUrl}\n` +
            `  Source         ${odre.baseUrl} (ODRÉ exports replayed from test/fixtures/eco2mix)\n` +
            `  Outputs        ${config.storage.dataDir}\n\n`,
        );
        await runWorker(config, ctx.logger, () => runDemoDay(ctx, config, date));
        printWhereThingsAre(ctx.out, config.storage.dataDir, date, stack.temporalUi, config.temporal.namespace);
        const keepRunning = options.keepRunning ?? process.stdout.isTTY === true;
        if (keepRunning) {
          ctx.out.write('\nThe stack keeps running so that you can explore it. Press Ctrl-C to stop.\n');
          await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
        }
      } finally {
        await stack.stop();
        await odre.close();
      }
    });
}

async function runDemoDay(ctx: CommandContext, config: CommandContext['config'], date: string): Promise<void> {
  const { client, close } = await connectClient(config);
  try {
    const handle = await startDay(client, { date, runKind: 'manual', taskQueue: config.temporal.taskQueue });
    await awaitDay(client, handle, date, ['eco2mix'], ctx.out);
  } finally {
    await close();
  }
}

function printWhereThingsAre(
  out: NodeJS.WritableStream,
  dataDir: string,
  date: string,
  ui: string | null,
  namespace: string,
): void {
  const keys = [
    storageKeys.raw('eco2mix', date, 'realtime', 'csv'),
    storageKeys.processed('eco2mix', date, 'eco2mix_national'),
    storageKeys.rejects('eco2mix', date, 'eco2mix_national'),
    storageKeys.metrics('eco2mix', date),
    storageKeys.dailyReport(date, 'json'),
    storageKeys.dailyReport(date, 'csv'),
  ];
  out.write(`\nOutputs under ${dataDir}:\n${keys.map((k) => `  ${k}`).join('\n')}\n`);
  if (ui) {
    const id = encodeURIComponent(workflowIds.daily(date));
    out.write(`\nTemporal Web UI: ${ui}/namespaces/${namespace}/workflows/${id}\n`);
  }
}
