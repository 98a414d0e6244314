/**
 * Flow files are read on a thread of their own (a pool of `PARSES_AT_ONCE` threads, piscina),
 * not on the worker's JavaScript thread: the XML's strings and their garbage live in the
 * thread's small heap (collecting them in the worker's large one took a fifth of a month's
 * parse), and the worker's thread stays free for Temporal and the other activities while a
 * file of hundreds of MB is read. A thread left idle for a minute ends. Bad data found by the
 * thread is thrown here as the same BadDataError (file, line, column and cause).
 */
import { Piscina } from 'piscina';
import { BadDataError, type DataLocation } from '../../shared/errors.js';
import { writeFileFlows, type FlowPart, type SkippedMember } from './flow-files.js';

/** Flow files read at once in a process (each on its own thread); more wait for a thread. */
export const PARSES_AT_ONCE = 1;

/** A thread left idle this long ends. */
const IDLE_MS = 60_000;

export interface FlowFileTask {
  readonly local: string;
  readonly name: string;
  readonly scratch: string;
  readonly prefix: string;
}

export interface FlowFilesRead {
  readonly parts: readonly FlowPart[];
  readonly skipped: readonly SkippedMember[];
}

/** What the thread answers: the flows read, or the bad data that stopped it (an Error loses its class crossing threads). */
type ThreadOutcome =
  | { readonly read: FlowFilesRead }
  | { readonly badData: { readonly location: DataLocation; readonly problem: string; readonly cause: unknown } };

/** Runs in the thread: `writeFileFlows` of the task. Other errors than bad data are thrown as they are. */
export async function readFlowsInThread(task: FlowFileTask): Promise<ThreadOutcome> {
  try {
    return { read: await writeFileFlows(task.local, task.name, task.scratch, task.prefix) };
  } catch (error) {
    if (!(error instanceof BadDataError)) throw error;
    return { badData: { location: error.location, problem: error.problem, cause: error.cause } };
  }
}

let pool: Piscina<FlowFileTask, ThreadOutcome> | null = null;

/**
 * `writeFileFlows(local, name, scratch, prefix)` on the pool's thread, waiting for one when all are
 * busy. Throws BadDataError as `writeFileFlows` does.
 */
export async function readFlowsOffThread(task: FlowFileTask): Promise<FlowFilesRead> {
  pool ??= new Piscina<FlowFileTask, ThreadOutcome>({
    filename: new URL('./flow-thread.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: PARSES_AT_ONCE,
    idleTimeout: IDLE_MS,
  });
  const outcome = await pool.run(task);
  if ('badData' in outcome) {
    const { location, problem, cause } = outcome.badData;
    throw new BadDataError(location, problem, cause === undefined ? undefined : { cause });
  }
  return outcome.read;
}
