/** JSON written to a stream as it is read, in bounded memory. */
import { createReadStream } from 'node:fs';
import type { OutputStream } from './context.js';

/** Writes `text` to `out`, resolving once the stream has taken it. */
const written = (out: OutputStream, text: string) =>
  new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));

/**
 * Writes an object as `JSON.stringify(…, null, 2)` would whose last property is an array: `head`,
 * its text up to that array's `[`, then each batch's items (each already JSON text) as the
 * array's elements, then `]` and `}`, waiting for the stream to take each part. Resolves to how
 * many items it wrote.
 */
export async function writeJsonEndingInArray(
  out: OutputStream,
  head: string,
  batches: AsyncIterable<readonly string[]>,
): Promise<number> {
  await written(out, head);
  let items = 0;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    await written(out, `${items === 0 ? '' : ','}\n    ${batch.join(',\n    ')}`);
    items += batch.length;
  }
  await written(out, `${items === 0 ? '' : '\n  '}]\n}\n`);
  return items;
}

/** Bytes of a file read at a time by `linesOfFile`. */
const LINES_CHUNK_BYTES = 1024 * 1024;

/** The lines of the UTF-8 `file` (each ended by a newline, as DuckDB's JSON writer ends them), a chunk's worth at a time. */
export async function* linesOfFile(file: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: LINES_CHUNK_BYTES })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    yield lines;
  }
  if (rest !== '') yield [rest];
}
