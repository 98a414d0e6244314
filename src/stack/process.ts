/** A child server process that is stopped for sure: SIGTERM, then SIGKILL, and on parent exit. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  isAlive(): boolean;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Starts `command` with its output appended to `logFile`. */
export async function startProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  /** Extra environment variables for the child, on top of this process's. */
  env: Readonly<Record<string, string>> = {},
): Promise<ManagedProcess> {
  await mkdir(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  await new Promise((resolve) => log.once('open', resolve));
  const child = spawn(command, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  if (child.pid === undefined) {
    log.end();
    throw new Error(`${name} could not be started (${command})`);
  }
  installExitHook();
  running.add(child);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      log.end();
      resolve();
    }),
  );
  return {
    name,
    pid: child.pid,
    logFile,
    isAlive: () => !exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
