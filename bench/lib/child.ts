/**
 * Running one measured tool in its own process, so that its memory is its own: the child prints one
 * `BENCH-REPORT {json}` line on stdout when done; its other output goes to a log file. Children
 * still running when the bench exits are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPORT_PREFIX = 'BENCH-REPORT ';
const running = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Kills `child` if it is still running when the bench exits. */
export function trackChild(child: ChildProcess): void {
  installChildCleanup();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Kills the children left when the bench exits, however it exits. */
export function installChildCleanup(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Node with tsx's loader: TypeScript sources run as they are, in one process (no wrapper). */
export function tsNode(script: string, args: readonly string[], nodeFlags: readonly string[] = []): [string, string[]] {
  return [process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args]];
}

export interface ChildOptions {
  readonly logFile: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Runs `command` to completion and returns its report; throws with the end of its log otherwise. */
export async function runChild<T>(command: string, args: readonly string[], options: ChildOptions): Promise<T> {
  installChildCleanup();
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n$ ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  trackChild(child);
  let stdout = '';
  let tail = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    log.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    log.write(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  await new Promise<void>((resolve) => log.end(resolve));
  const reportLine = stdout.split('\n').find((line) => line.startsWith(REPORT_PREFIX));
  if (code !== 0 || reportLine === undefined) {
    throw new Error(
      `${path.basename(args.find((a) => /\.(ts|py)$/.test(a)) ?? command)} failed (exit ${code}):\n${tail}`,
    );
  }
  return JSON.parse(reportLine.slice(REPORT_PREFIX.length)) as T;
}

/** In a child: prints the report line the parent waits for. */
export function printReport(report: object): void {
  process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(report)}\n`);
}
