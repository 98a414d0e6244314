/**
 * The thread's side of `flow-thread.ts`: what a thread of the pool runs (`flow-thread.mjs` loads
 * it), and the messages between the two sides. Only the thread loads the flow reader and its XML
 * parser.
 */
import type { MessagePort } from 'node:worker_threads';
import { BadDataError, type DataLocation } from '../../workflow-safe/errors.js';
import type { BucketFile } from './day-buckets.js';
import type { DeliveryKey } from './decrypt.js';
import { writeFileFlows, type FileSegments, type FlowPart, type SkippedMember } from './flow-files.js';

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
export interface SegmentMessage {
  readonly file: string;
  readonly values: readonly BucketFile[];
}

/** The task as the thread gets it: with the port segments go to, and their size. */
export interface ThreadTask extends FlowFileTask {
  readonly segments?: { readonly lines: number; readonly port: MessagePort };
}

/** What the thread answers: the flows read and how many segments it sent, or the bad data that stopped it (an Error loses its class crossing threads). */
export type ThreadOutcome =
  | { readonly read: FlowFilesRead; readonly segments: number }
  | { readonly badData: { readonly location: DataLocation; readonly problem: string; readonly cause: unknown } };

/** Runs in the thread: `writeFileFlows` of the task. Other errors than bad data are thrown as they are. */
export async function readFlowsInThread(task: ThreadTask): Promise<ThreadOutcome> {
  let sent = 0;
  const port = task.segments?.port;
  const segments: FileSegments | undefined = port && {
    lines: task.segments.lines,
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
