/** The `courant` command (DESIGN §7). Returns the exit status: 0 ok, 1 pipeline failed, 2 bad usage. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { registerBackfillCommand } from './commands/backfill.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDevCommand } from './commands/dev.js';
import { registerImportCommand } from './commands/import.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerSchedulesCommand } from './commands/schedules.js';
import { registerStatusCommand } from './commands/status.js';
import { registerWorkerCommand } from './commands/worker.js';
import { createContext, type CommandContext } from './context.js';
import { PipelineFailedError, UsageError } from './errors.js';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let context: CommandContext | undefined;
  const lazyContext = () => (context ??= createContext(env, process.stdout));
  const program = new Command('courant')
    .description('Durable, daily, date-partitioned data pipelines on Temporal')
    .exitOverride()
    .showHelpAfterError();
  registerRunCommand(program, lazyContext);
  registerBackfillCommand(program, lazyContext);
  registerStatusCommand(program, lazyContext);
  registerImportCommand(program, lazyContext);
  registerIngestCommand(program, lazyContext);
  registerReportCommand(program, lazyContext);
  registerSchedulesCommand(program, lazyContext);
  registerDevCommand(program, lazyContext);
  registerDemoCommand(program, lazyContext);
  registerWorkerCommand(program, lazyContext);

  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`courant: ${error.message}\n`);
      return 2;
    }
    if (error instanceof PipelineFailedError) {
      process.stderr.write(`courant: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
