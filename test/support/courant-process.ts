/** `courant <command>` in its own process, as operators run it, so that tests can reach and kill it for real. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { inheritedEnv } from './child-env.js';

export interface CourantProcess {
  readonly child: ChildProcess;
  /** Resolves with the output so far once `ready` finds it ready; rejects if the process exits first. */
  readonly ready: Promise<string>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Node's options to profile a `courant worker` with: with `COURANT_WORKER_CPU_PROF_DIR` set (a
 * bench's worker, profiled), its CPU profile is written there when it stops.
 */
function profiled(args: readonly string[]): string[] {
  const dir = process.env.COURANT_WORKER_CPU_PROF_DIR;
  return args[0] === 'worker' && dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Starts `courant ...args` with only PATH, HOME, TMPDIR, info logs and `env`; ready once `isReady(output)`. */
export function startCourantProcess(
  args: readonly string[],
  env: Record<string, string>,
  isReady: (output: string) => boolean,
): CourantProcess {
  const child = spawn(process.execPath, [...profiled(args), path.join(PROJECT_ROOT, 'bin', 'courant.js'), ...args], {
    env: { ...inheritedEnv(), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (isReady(output)) resolve(output);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`courant ${args.join(' ')} exited before it was ready:\n${output}`)));
  });
  return {
    child,
    ready,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
