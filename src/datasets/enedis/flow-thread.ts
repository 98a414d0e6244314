/**
 * Flow files are read on a thread of their own (a pool of `PARSES_AT_ONCE` threads, piscina),
 * not on the worker's JavaScript thread: the XML's strings and their garbage live in the
 * thread's small heap (collecting them in the worker's large one took a fifth of a month's
 * parse), and the worker's thread stays free for Temporal and the other activities while a
 * file of hundreds of MB is read. A thread left idle for a minute ends. Bad data found by the
 * thread is thrown here as the same BadDataError (file, line, column and cause). With segments,
 * the thread hands each segment's files over a message port as soon as they are closed, so that
 * they can be kept while it reads on.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { BadDataError, type DataLocation } from '../../workflow-safe/errors.js';
import type { BucketFile } from './day-buckets.js';
import type { DeliveryKey } from './decrypt.js';
import { writeFileFlows, type FileSegments, type FlowPart, type SkippedMember } from './flow-files.js';

/** Flow files read at once in a process (each on its own thread); more wait for a thread. */
export const PARSES_AT_ONCE = 1;

/** A thread left idle this long ends. */
const IDLE_MS = 60_000;

export interface FlowFileTask {
  readonly local: string;
  readonly name: string;
  readonly scratch: string;
  readonly prefix: string;
  /** The AES key of encrypted deliveries, when configured. */
  readonly key?: DeliveryKey;
}

export interface FlowFilesRead {
  readonly parts: readonly FlowPart[];
  readonly skipped: readonly SkippedMember[];
}

/** A segment handed over by the thread. */
interface SegmentMessage {
  readonly file: string;
  readonly values: readonly BucketFile[];
}

/** The task as the thread gets it: with the port segments go to, and their size. */
interface ThreadTask extends FlowFileTask {
  readonly segments?: { readonly values: number; readonly port: MessagePort };
}

/** What the thread answers: the flows read and how many segments it sent, or the bad data that stopped it (an Error loses its class crossing threads). */
type ThreadOutcome =
  | { readonly read: FlowFilesRead; readonly segments: number }
  | { readonly badData: { readonly location: DataLocation; readonly problem: string; readonly cause: unknown } };

/** Runs in the thread: `writeFileFlows` of the task. Other errors than bad data are thrown as they are. */
export async function readFlowsInThread(task: ThreadTask): Promise<ThreadOutcome> {
  let sent = 0;
  const port = task.segments?.port;
  const segments: FileSegments | undefined = port && {
    values: task.segments.values,
    onSegment: (file, values) => {
      port.postMessage({ file, values } satisfies SegmentMessage);
      sent += 1;
    },
  };
  try {
    return {
      read: await writeFileFlows(task.local, task.name, task.scratch, task.prefix, segments, task.key),
      segments: sent,
    };
  } catch (error) {
    if (!(error instanceof BadDataError)) throw error;
    return { badData: { location: error.location, problem: error.problem, cause: error.cause } };
  }
}

let pool: Piscina<ThreadTask, ThreadOutcome> | null = null;

const poolOfThreads = () =>
  (pool ??= new Piscina<ThreadTask, ThreadOutcome>({
    filename: new URL('./flow-thread.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: PARSES_AT_ONCE,
    idleTimeout: IDLE_MS,
  }));

/**
 * `writeFileFlows(local, name, scratch, prefix, segments)` on the pool's thread, waiting for one
 * when all are busy; every segment is handed to `segments.onSegment` before this resolves. Throws
 * BadDataError as `writeFileFlows` does (segments handed on before it stay handed on).
 */
export async function readFlowsOffThread(task: FlowFileTask, segments?: FileSegments): Promise<FlowFilesRead> {
  if (!segments) return outcomeOf(await poolOfThreads().run(task));
  const { port1, port2 } = new MessageChannel();
  let received = 0;
  let expected = Number.POSITIVE_INFINITY;
  let allReceived = () => {};
  const delivered = new Promise<void>((resolve) => (allReceived = resolve));
  port1.on('message', (message: SegmentMessage) => {
    segments.onSegment(message.file, message.values);
    received += 1;
    if (received >= expected) allReceived();
  });
  try {
    const outcome = await poolOfThreads().run(
      { ...task, segments: { values: segments.values, port: port2 } },
      { transferList: [port2] },
    );
    const read = outcomeOf(outcome);
    // The segments come on their own port: the answer may arrive before the last of them.
    expected = 'segments' in outcome ? outcome.segments : 0;
    if (received >= expected) allReceived();
    await delivered;
    return read;
  } finally {
    port1.close();
  }
}

function outcomeOf(outcome: ThreadOutcome): FlowFilesRead {
  if ('badData' in outcome) {
    const { location, problem, cause } = outcome.badData;
    throw new BadDataError(location, problem, cause === undefined ? undefined : { cause });
  }
  return outcome.read;
}
