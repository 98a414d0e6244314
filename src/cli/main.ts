/**
 * The `courant` command (docs/operations.md#commands). Returns the exit status: 0 ok, 1 the pipeline failed (or an
 * unexpected error), 2 bad usage or configuration (report-failure.ts). Only the command the command
 * line names is loaded (command-list.ts): help and usage errors start without the pipeline's modules.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS, namedCommand } from './command-list.js';
import type { CliStreams, CommandContext } from './context.js';
import type { reportFailure } from './report-failure.js';

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
  const program = new Command('courant')
    .description('Durable, daily, date-partitioned data pipelines on Temporal')
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError();
  const commands = COMMANDS.map((listed) => program.command(listed.name).description(listed.description));
  const named = namedCommand(argv.slice(2));
  let context: CommandContext | undefined;
  let report: typeof reportFailure | undefined;
  try {
    if (named) {
      // Failure reporting is loaded with the command, before it runs: a build replaced meanwhile
      // never leaves a long-running command without it.
      const [contexts, failures, define] = await Promise.all([
        import('./context.js'),
        import('./report-failure.js'),
        named.define(),
      ]);
      report = failures.reportFailure;
      const command = commands[COMMANDS.indexOf(named)];
      if (command) define(command, () => (context ??= contexts.createContext(env, streams)));
    }
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    report ??= (await import('./report-failure.js')).reportFailure;
    return report(error, context, env, streams.stderr);
  }
}
