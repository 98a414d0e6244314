/**
 * The `courant` command (docs/operations.md#commands). Returns the exit status: 0 ok, 1 the pipeline failed (or an
 * unexpected error), 2 bad usage or configuration — an unreachable service and an unwritable
 * directory included. Errors print as messages with their causes; stack traces only with LOG_LEVEL=debug.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { describeWithCauses } from '../faults/cause-chain.js';
import { awsCredentialsMissing } from '../faults/aws-credentials.js';
import { ServiceUnavailableError } from '../faults/service-unavailable.js';
import { storageMisconfiguration } from '../faults/storage-misconfigured.js';
import { localRoots } from '../storage/index.js';
import { registerBackfillCommand } from './commands/backfill.js';
import { registerBillingCommands } from './commands/billing.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDevCommand } from './commands/dev.js';
import { registerEnergiesCommand } from './commands/energies.js';
import { registerImportCommand } from './commands/import.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerSchedulesCommand } from './commands/schedules.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatusCommand } from './commands/status.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWorkerCommand } from './commands/worker.js';
import { createContext, type CliStreams, type CommandContext, type OutputStream } from './context.js';
import { PipelineFailedError, UsageError } from './errors.js';

const PROCESS_STREAMS: CliStreams = { stdout: process.stdout, stderr: process.stderr };

/**
 * Runs one command line (`argv` as node gives it: the node binary, the script, then the arguments)
 * with the environment and streams given, and returns its exit status. The `courant` executable
 * calls it with the process's own and sets the process's exit code from what it returns. A call
 * reads only the environment given, prints only to the streams given and closes what its command
 * opened, so one process may run many command lines.
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  streams: CliStreams = PROCESS_STREAMS,
): Promise<number> {
  let context: CommandContext | undefined;
  const lazyContext = () => (context ??= createContext(env, streams));
  const program = new Command('courant')
    .description('Durable, daily, date-partitioned data pipelines on Temporal')
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError();
  registerRunCommand(program, lazyContext);
  registerBackfillCommand(program, lazyContext);
  registerStatusCommand(program, lazyContext);
  registerVerifyCommand(program, lazyContext);
  registerImportCommand(program, lazyContext);
  registerIngestCommand(program, lazyContext);
  registerEnergiesCommand(program, lazyContext);
  registerBillingCommands(program, lazyContext);
  registerReportCommand(program, lazyContext);
  registerSchedulesCommand(program, lazyContext);
  registerDevCommand(program, lazyContext);
  registerDemoCommand(program, lazyContext);
  registerWorkerCommand(program, lazyContext);
  registerServeCommand(program, lazyContext);

  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportFailure(error, context, env, streams.stderr);
  }
}

/** Prints what went wrong as one message (with its causes) and gives the exit status. */
function reportFailure(
  error: unknown,
  context: CommandContext | undefined,
  env: NodeJS.ProcessEnv,
  stderr: OutputStream,
): number {
  const print = (text: string) => stderr.write(`courant: ${text}\n`);
  const noCredentials = awsCredentialsMissing(error);
  if (noCredentials) {
    print(describeWithCauses(noCredentials));
    return 2;
  }
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof ServiceUnavailableError) {
    print(error.message);
    return 2;
  }
  if (error instanceof PipelineFailedError) {
    print(error.message);
    return 1;
  }
  const misconfigured = storageMisconfiguration(error, context ? localRoots(context.config) : []);
  if (misconfigured) {
    print(misconfigured.message);
    return 2;
  }
  print(describeWithCauses(error));
  if ((context?.config.logLevel ?? env.LOG_LEVEL) === 'debug' && error instanceof Error && error.stack) {
    stderr.write(`${error.stack}\n`);
  } else {
    stderr.write('courant: (LOG_LEVEL=debug shows the stack trace)\n');
  }
  return 1;
}
