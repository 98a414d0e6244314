/**
 * Where a flow's CSV lines go (`flow-sink.ts`): files grouped by reading date
 * (`day-buckets.ts`), in segments when asked, so that a large flow's first values can be kept
 * while the rest of it is read.
 *
 * - A segment's files are handed on once it holds `segments.lines` lines, at the end of a chunk.
 * - Lines handed on stay handed on: an output made to read a flow again (after the fast reader
 *   gave up) is told how many lines were handed before, and drops that many first.
 */
import { createBucketWriter, type BucketFile } from './day-buckets.js';
import type { EmitLine } from './flow-sink.js';

/**
 * Lines written in segments: once a segment holds `lines` lines (index values and C15 events), its
 * files are closed and handed to `onSegment` (which may keep them while the rest of the flow is
 * read), and the next lines go to new files. The last segment's files are what `close` returns.
 */
export interface FlowSegments {
  readonly lines: number;
  readonly onSegment: (files: readonly BucketFile[]) => void;
}

export interface FlowOutput {
  readonly emit: EmitLine;
  /** After each chunk read: writes its lines (backpressure), and hands on the segment once full. */
  chunkRead(): Promise<void>;
  /** Lines handed on in segments so far. */
  handed(): number;
  /** Writes the rest and closes the files: the last segment's (all of them without segments). */
  close(): Promise<BucketFile[]>;
}

/**
 * An output to files `{prefix}-{n}.csv` (segments after the first: `{prefix}-s{k}-{n}.csv`),
 * dropping the first `skip` lines (already handed on by an earlier read of the same flow).
 */
export function createFlowOutput(prefix: string, segments?: FlowSegments, skip = 0): FlowOutput {
  let out = createBucketWriter(prefix);
  let segment = 0;
  let lines = 0;
  let segmentStart = skip;
  return {
    emit(date, line) {
      lines += 1;
      if (lines > skip) out.add(date, line);
    },
    async chunkRead() {
      await out.flush();
      if (segments && lines - segmentStart >= segments.lines) {
        const files = await out.close();
        segment += 1;
        segmentStart = lines;
        out = createBucketWriter(`${prefix}-s${segment}`);
        segments.onSegment(files);
      }
    },
    handed: () => segmentStart,
    close: () => out.close(),
  };
}
