/** A `courant worker` in its own process, as operators run it, with its peak memory read from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { trackChild } from '../lib/child.js';
import { peakRssBytes } from '../lib/proc.js';

export interface WorkerProcess {
  readonly pid: number;
  /** Peak resident memory so far. */
  peakRssBytes(): number | null;
  /** SIGTERM (a clean shutdown), SIGKILL after 20 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts the worker with `env` (plus PATH and HOME) and waits until it says it is running. */
export async function startWorkerProcess(
  env: Readonly<Record<string, string>>,
  logFile: string,
  nodeFlags: readonly string[] = [],
): Promise<WorkerProcess> {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeFlags, path.join(PROJECT_ROOT, 'bin', 'courant.js'), 'worker'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('the worker could not be started');
  trackChild(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start within 120 s; see ${logFile}`)), 120_000);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      seen = (seen + chunk.toString()).slice(-2000);
      if (seen.includes('"msg":"worker is running"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the worker exited before running; see ${logFile}:\n${seen}`));
    });
  });
  return {
    pid,
    peakRssBytes: () => peakRssBytes(pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}
