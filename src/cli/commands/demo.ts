/**
 * `courant demo`: the whole pipeline offline on the embedded stack — Temporal dev server + UI,
 * document store, a worker — with the sources of the datasets asked for (eCO2mix by default)
 * played on loopback from the real samples their modules ship, as one day.
 */
import type { Command } from 'commander';
import { startDay } from '../../client/start-day.js';
import { DATASET_MODULES } from '../../datasets/registry.js';
import { createStorage, type Storage } from '../../storage/index.js';
import { ensureStack } from '../../stack/ensure.js';
import { connectClient } from '../../workers/temporal-connection.js';
import { runWorker } from '../../workers/worker.js';
import { narratingLogger, type CommandContext } from '../context.js';
import { demoDate, demoModules, withDemo, type DemoModule } from '../demo-datasets.js';
import { seedDemoSnapshots } from '../demo-snapshots.js';
import { printDemoSummary } from '../demo-summary.js';
import { parseStateDirOption } from '../options.js';
import { awaitDay } from '../progress.js';

type Config = CommandContext['config'];
type Source = Awaited<ReturnType<DemoModule['demo']['start']>>;

const WITH_DEMO = withDemo(DATASET_MODULES);

export function defineDemoCommand(command: Command, context: () => CommandContext): void {
  const first = WITH_DEMO[0];
  if (!first) throw new Error('no dataset module has a demo');
  command
    .description(
      `run one sample day (${first.title} unless --datasets) from the shipped real samples on the embedded stack, offline`,
    )
    .option(
      '--datasets <names>',
      `comma-separated, among those with a demo: ${WITH_DEMO.map((m) => m.name).join(', ')} (cityflow: every cityflow-…)`,
    )
    .option(
      '--date <YYYY-MM-DD>',
      `a day every demo asked for covers (${first.name}: ${first.demo.days}; default ${first.demo.defaultDate})`,
    )
    .option('--state-dir <dir>', 'where the embedded servers keep their data and logs', '.courant')
    .option('--keep-running', 'keep the stack up after the day to explore the Web UI (default: when run in a terminal)')
    .option('--no-keep-running', 'stop the stack as soon as the day has finished')
    .action(async (options: { datasets?: string; date?: string; stateDir: string; keepRunning?: boolean }) => {
      const modules = demoModules(options.datasets, WITH_DEMO);
      const date = demoDate(options.date, modules, new Date());
      const stateDir = await parseStateDirOption(options.stateDir);
      const ctx = context();
      const sources = new Map<DemoModule, Source>();
      try {
        for (const m of modules) sources.set(m, await m.demo.start(ctx.config.datasets[m.name]));
        const config: Config = {
          ...ctx.config,
          datasets: { ...ctx.config.datasets, ...Object.fromEntries([...sources].map(([m, s]) => [m.name, s.config])) },
        };
        await runDemo(ctx, config, stateDir, { modules, sources, date, keepRunning: options.keepRunning });
      } finally {
        for (const source of sources.values()) await source.close();
      }
    });
}

interface DemoRun {
  readonly modules: readonly DemoModule[];
  readonly sources: ReadonlyMap<DemoModule, Source>;
  readonly date: string;
  readonly keepRunning: boolean | undefined;
}

async function runDemo(ctx: CommandContext, config: Config, stateDir: string, run: DemoRun): Promise<void> {
  const { modules, sources, date } = run;
  const names = modules.map((m) => m.name);
  const logger = narratingLogger(ctx);
  const stack = await ensureStack(config, stateDir, logger);
  try {
    const lines = [...sources].map(([m, s]) => (modules.length > 1 ? `${m.name}: ${s.source}` : s.source));
    ctx.out.write(
      `courant demo: ${modules.map((m) => m.title).join(', ')} ${date} from real samples, offline\n` +
        `  Temporal       ${stack.temporalAddress}${stack.temporalUi ? `  (Web UI ${stack.temporalUi})` : ''}\n` +
        `  Records        ${stack.mongodbUrl}\n` +
        lines.map((line, i) => `${i === 0 ? '  Source         ' : '                 '}${line}\n`).join('') +
        `  Outputs        ${config.storage.dataDir}\n\n`,
    );
    const seeded = await withStorage(config, (storage) =>
      seedDemoSnapshots(
        storage.objects,
        modules.map((m) => ({ module: m, config: config.datasets[m.name] })),
        date,
        config.schedules.snapshots.everyMinutes,
      ),
    );
    if (seeded > 0) ctx.out.write(`Stored ${seeded} snapshots of ${date} as the collector would have taken them\n\n`);
    await runWorker(config, logger, { until: () => runDemoDay(ctx, config, names, date) });
    // The day's summary, from its daily report and its records (see demo-summary.ts).
    await withStorage(config, (storage) =>
      printDemoSummary(ctx.out, { config, storage, datasets: names, date, ui: stack.temporalUi }),
    );
    if (run.keepRunning ?? ctx.out.isTTY === true) {
      ctx.out.write('\nThe stack keeps running so that you can explore it. Press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await stack.stop();
  }
}

async function withStorage<T>(config: Config, use: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await createStorage(config);
  try {
    return await use(storage);
  } finally {
    await storage.close();
  }
}

async function runDemoDay(ctx: CommandContext, config: Config, datasets: string[], date: string): Promise<void> {
  const { client, close } = await connectClient(config);
  try {
    const handle = await startDay(client, { date, datasets, runKind: 'manual', taskQueue: config.temporal.taskQueue });
    // The summary lists the report's files, with the page as a link.
    await awaitDay(client, handle, date, datasets, ctx.out, { withReportKeys: false });
  } finally {
    await close();
  }
}
