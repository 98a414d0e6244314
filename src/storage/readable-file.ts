/** Objects as files DuckDB can read: the store's own file when it keeps one, else a copy. */
import { link as hardLink, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isNotFound } from './atomic-file.js';
import { ObjectNotFoundError, type ObjectFile, type ObjectStore } from './object-store.js';

/** A copy of the object `key` named `name` in `folder` (made when needed). */
async function copied(objects: ObjectStore, key: string, folder: string, name: string): Promise<ObjectFile> {
  await mkdir(folder, { recursive: true });
  const copy = path.join(folder, name);
  return { ...(await objects.getToFile(key, copy)), path: copy };
}

/**
 * The object `key` as a file to read: the file the store keeps it in (a local store: no copy), else
 * a copy named `name` in `folder`. Throws ObjectNotFoundError when it is absent. The file is only to
 * be read: a store's own file is never written through it.
 */
export async function readableFile(
  objects: ObjectStore,
  key: string,
  folder: string,
  name: string = path.posix.basename(key),
): Promise<ObjectFile> {
  return (await objects.fileInPlace?.(key)) ?? copied(objects, key, folder, name);
}

/**
 * A hard link named `name` in `folder` to the store's own file `inPlace` of the object `key`; null
 * where the two are on different filesystems, which a link cannot cross.
 */
async function linked(
  objects: ObjectStore,
  key: string,
  inPlace: ObjectFile,
  folder: string,
  name: string,
): Promise<ObjectFile | null> {
  await mkdir(folder, { recursive: true });
  const link = path.join(folder, name);
  try {
    await hardLink(inPlace.path, link);
    return { ...inPlace, path: link };
  } catch (error) {
    if (isNotFound(error)) throw new ObjectNotFoundError(key, objects.location);
    if (error instanceof Error && 'code' in error && error.code === 'EXDEV') return null;
    throw error;
  }
}

/**
 * The object `key` as it is now, as a file `name` in `folder` that no later write changes: a hard
 * link to the store's own file where it keeps one (a local store writes an object by renaming a
 * new file over it, so the link keeps the version linked), else a copy — also where the store's
 * file is on another filesystem than `folder`. For a reader that opens one object several times (a
 * query scanning a table in several parts) while a writer may replace it. Throws
 * ObjectNotFoundError when it is absent.
 */
export async function readableSnapshot(
  objects: ObjectStore,
  key: string,
  folder: string,
  name: string = path.posix.basename(key),
): Promise<ObjectFile> {
  const inPlace = await objects.fileInPlace?.(key);
  return (inPlace && (await linked(objects, key, inPlace, folder, name))) ?? copied(objects, key, folder, name);
}
