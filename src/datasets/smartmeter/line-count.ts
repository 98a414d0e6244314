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

/**
 * Counts the lines of a file, read in 1 MiB chunks. A blank line is empty or a lone carriage
 * return; a last line without a line end counts.
 */
export async function countDataLines(path: string): Promise<LineCount> {
  let line = 0;
  let dataLines = 0;
  let blankLines: number[] | null = [];
  let length = 0;
  let firstByte = -1;
  const endLine = () => {
    line += 1;
    if (length > 1 || (length === 1 && firstByte !== CR)) {
      if (line > 1) dataLines += 1;
    } else if (line > 1 && blankLines !== null) {
      blankLines.push(line);
      if (blankLines.length > MAX_BLANK_LINES) blankLines = null;
    }
    length = 0;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let at = 0;
    for (;;) {
      const end = chunk.indexOf(LF, at);
      const stop = end < 0 ? chunk.length : end;
      if (stop > at) {
        if (length === 0) firstByte = chunk[at] ?? -1;
        length += stop - at;
      }
      if (end < 0) break;
      endLine();
      at = end + 1;
    }
  }
  if (length > 0) endLine();
  return { dataLines, blankLines };
}
