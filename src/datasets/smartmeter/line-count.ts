/**
 * Counting the data lines of a file without holding it: a cheap check that every line was kept,
 * and the bound on a line's length, checked before DuckDB reads the file.
 */
import { createReadStream } from 'node:fs';
import { BadDataError } from '../../workflow-safe/errors.js';

const LF = 10;
const CR = 13;

/** Blank lines remembered at most; past this, the caller reads the file line by line instead. */
const MAX_BLANK_LINES = 10_000;

/**
 * The longest line read (bytes, its line end excluded): the longest line of the real smart-meter
 * files we hold is 129 bytes. A longer one is no reading, and DuckDB's reader would try to hold it
 * whole: the file is refused at once, naming the line.
 */
export const MAX_LINE_BYTES = 64 * 1024;

export interface LineCount {
  /** Lines after the first (the header) that are not blank. */
  readonly dataLines: number;
  /** Line numbers (1-based) of the blank lines after the header, or null when there are too many. */
  readonly blankLines: readonly number[] | null;
}

/** True when bytes [from, to) of the chunk are all carriage returns. */
function onlyCarriageReturns(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (chunk[i] !== CR) return false;
  return true;
}

/**
 * Counts the lines of the file at `path`, read in 1 MiB chunks. A blank line is empty or carriage
 * returns only (DuckDB's reader skips both); a last line without a line end counts. Throws
 * BadDataError naming `file` and the line when a line is longer than `MAX_LINE_BYTES`.
 */
export async function countDataLines(path: string, file: string): Promise<LineCount> {
  let line = 0;
  /** Bytes of the line being read so far. */
  let length = 0;
  let dataLines = 0;
  let blankLines: number[] | null = [];
  /** Bytes seen since the last line end, and whether they were all carriage returns. */
  let pending = false;
  let blank = true;
  const endLine = () => {
    line += 1;
    if (!blank) {
      if (line > 1) dataLines += 1;
    } else if (line > 1 && blankLines !== null) {
      blankLines.push(line);
      if (blankLines.length > MAX_BLANK_LINES) blankLines = null;
    }
    blank = true;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let at = 0;
    for (;;) {
      const end = chunk.indexOf(LF, at);
      const stop = end < 0 ? chunk.length : end;
      length += stop - at;
      if (length > MAX_LINE_BYTES) {
        throw new BadDataError(
          { file, line: line + 1 },
          `the line is longer than ${MAX_LINE_BYTES} bytes (no smart-meter reading is): the file is refused`,
        );
      }
      if (stop > at) {
        pending = true;
        if (blank) blank = onlyCarriageReturns(chunk, at, stop);
      }
      if (end < 0) break;
      endLine();
      length = 0;
      pending = false;
      at = end + 1;
    }
  }
  if (pending) endLine();
  return { dataLines, blankLines };
}
