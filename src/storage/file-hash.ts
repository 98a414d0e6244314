/** The sha256 of a local file: read at once when small, streamed when large (files reach hundreds of MB). */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';

/** Bytes hashed at a time: larger than a stream's default 64 KiB, so that a large file takes fewer reads. */
const HASH_CHUNK_BYTES = 1024 * 1024;

/**
 * Files up to this size are read by one synchronous call: a day's table (tens of KiB) is read from
 * the page cache in microseconds, where a stream sends four calls or more to the thread pool.
 */
const READ_AT_ONCE_BYTES = HASH_CHUNK_BYTES;

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  if (statSync(file).size <= READ_AT_ONCE_BYTES) return hash.update(readFileSync(file)).digest('hex');
  for await (const chunk of createReadStream(file, { highWaterMark: HASH_CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
