/**
 * Deadlines against a hang: how long a test waits before it takes what it waits for as never coming.
 * Each is several times what the work needs on a slow machine whose cores the whole suite keeps
 * busy, so that no verdict depends on the machine's speed. A deadline is never a claim of speed:
 * how fast courant is, the benchmarks say (bench/).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** One awaited thing: a poll's answer, a process's start or line of output, a workflow's end, a request. */
export const WAIT_DEADLINE_MS = 5 * 60_000;

/** One test or hook (vitest.config.ts), room for the several waits it may hold. */
export const TEST_DEADLINE_MS = 15 * 60_000;

/**
 * Reads `read()` until `done` holds of what it gives or the wait's deadline passes, `intervalMs`
 * apart; gives the last value read either way, for the test to assert on.
 */
export async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + WAIT_DEADLINE_MS;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}
