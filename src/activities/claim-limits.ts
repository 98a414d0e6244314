/**
 * What a claim's readers hit when a file is larger than they can hold — DuckDB's own limits (its
 * line size, its memory limit) and a string or buffer past what the JavaScript engine allocates —
 * is a fault of that file: retrying the same bytes hits it again. These errors become BadDataError
 * naming the file (the reader's message stays the cause), so that the file is quarantined at once.
 */
import { BadDataError } from '../workflow-safe/errors.js';

const LINE_SIZE = {
  pattern: /Maximum line size of \d+ bytes exceeded/i,
  problem: 'a line of it is longer than DuckDB reads (2 MB); no reading is that long',
};

const LIMITS: ReadonlyArray<{ readonly pattern: RegExp; readonly problem: string }> = [
  LINE_SIZE,
  {
    pattern: /Out of Memory Error/i,
    problem: 'reading it needs more memory than a claim is given; no file of readings needs that much',
  },
  {
    pattern: /Invalid string length|Array buffer allocation failed/i,
    problem: 'a text in it is longer than a reader can hold; no file of readings holds one that long',
  },
];

function* messages(error: unknown): Generator<string> {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 8; depth += 1) {
    yield current.message;
    current = current.cause;
  }
}

function limitError(error: unknown, file: string, limits: typeof LIMITS): BadDataError | null {
  for (const message of messages(error)) {
    const limit = limits.find((l) => l.pattern.test(message));
    if (limit) return new BadDataError({ file }, limit.problem, { cause: error });
  }
  return null;
}

/** The BadDataError a claim's failure stands for when it is a reader's limit (see the module), else null. */
export function claimLimitError(error: unknown, file: string): BadDataError | null {
  return limitError(error, file, LIMITS);
}

/**
 * The BadDataError a day's transform failure stands for when DuckDB met a line past its line size
 * in `files` (the same bytes meet it again), else null. Memory is not judged there: a day's memory
 * also depends on what else the worker runs.
 */
export function lineSizeError(error: unknown, files: string): BadDataError | null {
  return limitError(error, files, [LINE_SIZE]);
}
