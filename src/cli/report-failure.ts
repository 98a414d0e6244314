/**
 * What a command's failure prints and the exit status it gives (docs/operations.md#exit-status): 1
 * the pipeline failed (or an unexpected error), 2 bad usage or configuration — an unreachable
 * service and an unwritable directory included. One message with its causes; the stack trace only
 * with LOG_LEVEL=debug.
 */
import { ConfigError } from '../config/index.js';
import { describeWithCauses } from '../faults/cause-chain.js';
import { awsCredentialsMissing } from '../faults/aws-credentials.js';
import { ServiceUnavailableError } from '../faults/service-unavailable.js';
import { storageMisconfiguration } from '../faults/storage-misconfigured.js';
import { localRoots } from '../storage/index.js';
import type { CommandContext, OutputStream } from './context.js';
import { PipelineFailedError, UsageError } from './errors.js';

/** Prints what went wrong as one message (with its causes) and gives the exit status. */
export function reportFailure(
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
