/** Objects as files DuckDB can read: the store's own file when it keeps one, else a copy. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectFile, ObjectStore } from './object-store.js';

/**
 * The object `key` as a file to read: the file the store keeps it in (a local store: no copy), else
 * a copy named `name` in `folder` (made when needed). Throws ObjectNotFoundError when it is absent.
 * The file is only to be read: a store's own file is never written through it.
 */
export async function readableFile(
  objects: ObjectStore,
  key: string,
  folder: string,
  name: string = path.posix.basename(key),
): Promise<ObjectFile> {
  const inPlace = await objects.fileInPlace?.(key);
  if (inPlace) return inPlace;
  await mkdir(folder, { recursive: true });
  const copy = path.join(folder, name);
  return { ...(await objects.getToFile(key, copy)), path: copy };
}
