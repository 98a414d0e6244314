/**
 * Running `courant` as a test: `runCli` spawns the real executable as a user would, for what only a
 * process shows (its exit status, its own stdout and stderr, signals); `runCommandLine` runs the same
 * command line through `main`, the function the executable calls, inside the test's process — for
 * what the command does with its arguments and environment, without a process start each.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { inheritedEnv } from './child-env.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a command line gets: only PATH, HOME and TMPDIR of the test's own, quiet logs, then `env`. */
function commandEnv(env: Record<string, string>): Record<string, string> {
  return { ...inheritedEnv(), LOG_LEVEL: 'warn', ...env };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'courant.js'), ...args], {
      env: commandEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stream that keeps what is written to it, as a pipe would (not a terminal). */
function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

/** A command line started through `main`: its end, and what it has written to stderr so far. */
export function startCommandLine(
  args: string[],
  env: Record<string, string> = {},
): { readonly done: Promise<CliResult>; readonly stderr: () => string } {
  const stdout = capture();
  const stderr = capture();
  const done = main([process.execPath, 'courant', ...args], commandEnv(env), {
    stdout: stdout.stream,
    stderr: stderr.stream,
  }).then((code) => ({ code, stdout: stdout.text(), stderr: stderr.text() }));
  return { done, stderr: stderr.text };
}

export function runCommandLine(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCommandLine(args, env).done;
}
