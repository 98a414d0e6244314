/** Counting the data lines of a file without holding it: a cheap check that every line was kept. */
import { createReadStream } from 'node:fs';

const LF = 10;
const CR = 13;

/** Blank lines remembered at most; past this, the caller reads the file line by line instead. */
const MAX_BLANK_LINES = 10_000;

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
 * Counts the lines of a file, read in 1 MiB chunks. A blank line is empty or carriage returns
 * only (DuckDB's reader skips both); a last line without a line end counts.
 */
export async function countDataLines(path: string): Promise<LineCount> {
  let line = 0;
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
      if (stop > at) {
        pending = true;
        if (blank) blank = onlyCarriageReturns(chunk, at, stop);
      }
      if (end < 0) break;
      endLine();
      pending = false;
      at = end + 1;
    }
  }
  if (pending) endLine();
  return { dataLines, blankLines };
}
