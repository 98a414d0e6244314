/** JSON written to a stream as it is read, in bounded memory. */
import { createReadStream } from 'node:fs';
import type { OutputStream } from './context.js';

/** Writes `text` to `out`, resolving once the stream has taken it. */
const written = (out: OutputStream, text: string | Uint8Array) =>
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
  batches: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
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

/** Bytes of a file read at a time by `writeJsonLinesEndingInArray`. */
const LINES_CHUNK_BYTES = 1024 * 1024;
const FIRST_ITEM = Buffer.from('\n    ');
const NEXT_ITEM = Buffer.from(',\n    ');

/**
 * Writes an object as `writeJsonEndingInArray` does, the array's items the lines of `file` (each a
 * JSON text ended by a newline, as DuckDB's JSON writer ends them), sent on as bytes: a file of
 * tens of MB never becomes JavaScript strings (three times faster). Resolves to how many items.
 */
export async function writeJsonLinesEndingInArray(out: OutputStream, head: string, file: string): Promise<number> {
  await written(out, head);
  let items = 0;
  let inLine = false;
  for await (const chunk of createReadStream(file, { highWaterMark: LINES_CHUNK_BYTES })) {
    const bytes = chunk as Buffer;
    const parts: Buffer[] = [];
    for (let from = 0; from < bytes.length;) {
      if (!inLine) {
        parts.push(items === 0 ? FIRST_ITEM : NEXT_ITEM);
        items += 1;
        inLine = true;
      }
      const end = bytes.indexOf(0x0a, from);
      parts.push(bytes.subarray(from, end === -1 ? bytes.length : end));
      if (end !== -1) inLine = false;
      from = end === -1 ? bytes.length : end + 1;
    }
    await written(out, Buffer.concat(parts));
  }
  await written(out, `${items === 0 ? '' : '\n  '}]\n}\n`);
  return items;
}
