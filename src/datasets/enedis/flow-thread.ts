/**
 * Flow files are read on a thread of their own (a pool of `PARSES_AT_ONCE` threads, piscina), not
 * on the worker's JavaScript thread: the XML's strings and their garbage live in the thread's small
 * heap, where collecting them costs far less than in the worker's large one, and the worker's
 * thread stays free for Temporal and the other activities while a file of hundreds of MB is read. A
 * thread left idle for a minute ends. Bad data found by the thread is thrown here as the same
 * BadDataError (file, line, column and cause). With segments, the thread hands each segment's files
 * over a message port as soon as they are closed, so that they can be kept while it reads on.
 */
import { MessageChannel } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { FileSegments } from './flow-files.js';
import type { FlowFileTask, FlowFilesRead, SegmentMessage, ThreadOutcome, ThreadTask } from './flow-thread-body.js';

/** Flow files read at once in a process (each on its own thread); more wait for a thread. */
export const PARSES_AT_ONCE = 1;

/** A thread left idle this long ends. */
const IDLE_MS = 60_000;

let pool: Promise<Piscina<ThreadTask, ThreadOutcome>> | null = null;

/** Files handed to the pool and not yet read (reading or waiting for a thread). */
let reading = 0;

/** Whether a flow file is being read or waits for a thread in this process. */
export const flowsBeingRead = (): boolean => reading > 0;

/** The pool, made at the first file read (piscina loaded then, not by every process that loads the dataset). */
const poolOfThreads = () =>
  (pool ??= import('piscina').then(
    ({ Piscina }) =>
      new Piscina<ThreadTask, ThreadOutcome>({
        filename: new URL('./flow-thread.mjs', import.meta.url).href,
        minThreads: 0,
        maxThreads: PARSES_AT_ONCE,
        idleTimeout: IDLE_MS,
      }),
  ));

/**
 * `writeFileFlows(local, name, scratch, prefix, segments)` on the pool's thread, waiting for one
 * when all are busy; every segment is handed to `segments.onSegment` before this resolves. Throws
 * BadDataError as `writeFileFlows` does (segments handed on before it stay handed on).
 */
export async function readFlowsOffThread(task: FlowFileTask, segments?: FileSegments): Promise<FlowFilesRead> {
  reading += 1;
  try {
    return await readOffThread(task, segments);
  } finally {
    reading -= 1;
  }
}

async function readOffThread(task: FlowFileTask, segments?: FileSegments): Promise<FlowFilesRead> {
  if (!segments) return outcomeOf(await (await poolOfThreads()).run(task));
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
    const outcome = await (
      await poolOfThreads()
    ).run({ ...task, segments: { lines: segments.lines, port: port2 } }, { transferList: [port2] });
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
