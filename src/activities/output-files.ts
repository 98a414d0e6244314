/**
 * Storing a day's outputs with what `courant verify` checks them against: size, SHA-256 and the
 * store's ETag. The hash is taken from the bytes in hand (a document) or from the local file being
 * stored, read alongside the upload; a stored object is never read back to hash it.
 */
import { createHash } from 'node:crypto';
import type { ObjectStore, PutOptions, StoredObjectInfo } from '../storage/object-store.js';
import { sha256OfFile } from '../storage/file-hash.js';
import type { OutputFile } from '../workflow-safe/day-records.js';

function outputFile(info: StoredObjectInfo, sha256: string): OutputFile {
  return { key: info.key, bytes: info.bytes, sha256, ...(info.etag ? { etag: info.etag } : {}) };
}

/** Stores `body` under `key` and says what was stored. */
export async function putOutput(
  objects: ObjectStore,
  key: string,
  body: string,
  options?: PutOptions,
): Promise<OutputFile> {
  const sha256 = createHash('sha256').update(body).digest('hex');
  return outputFile(await objects.put(key, body, options), sha256);
}

/** Stores the local file under `key` and says what was stored. */
export async function putOutputFile(
  objects: ObjectStore,
  key: string,
  file: string,
  options?: PutOptions,
): Promise<OutputFile> {
  const [info, sha256] = await Promise.all([objects.putFile(key, file, options), sha256OfFile(file)]);
  return outputFile(info, sha256);
}
