/** An ObjectStore that counts what passes through it: bytes written, cache hits and misses, fallback reads. */
import type {
  ObjectBody,
  ObjectFile,
  ObjectRead,
  ObjectStore,
  PutOptions,
  StoredObjectInfo,
} from '../storage/object-store.js';
import type { CourantMetrics } from './metrics.js';

/** `fileInPlace` with each file it gives passed to `counted` (an absent object counts nothing). */
export function inPlace(
  fileInPlace: (key: string) => Promise<ObjectFile | null>,
  counted: (file: ObjectFile) => ObjectFile,
): (key: string) => Promise<ObjectFile | null> {
  return async (key) => {
    const file = await fileInPlace(key);
    return file && counted(file);
  };
}

/** Wraps `store`; every call goes to it unchanged, and is counted on `metrics` once it succeeded. */
export function measuredObjectStore(store: ObjectStore, metrics: CourantMetrics): ObjectStore {
  const written = (key: string, info: StoredObjectInfo): StoredObjectInfo => {
    metrics.objectWritten(key, info.bytes);
    return info;
  };
  const read = <T extends ObjectRead>(result: T): T => {
    metrics.objectRead(result.key, result.origin);
    return result;
  };
  return {
    location: store.location,
    put: async (key: string, body: Uint8Array | string, options?: PutOptions) =>
      written(key, await store.put(key, body, options)),
    putFile: async (key: string, sourcePath: string, options?: PutOptions) =>
      written(key, await store.putFile(key, sourcePath, options)),
    get: async (key: string) => read(await store.read(key)).body,
    read: async (key: string): Promise<ObjectBody> => read(await store.read(key)),
    getToFile: async (key: string, targetPath: string) => read(await store.getToFile(key, targetPath)),
    ...(store.fileInPlace ? { fileInPlace: inPlace(store.fileInPlace.bind(store), read) } : {}),
    head: (key: string) => store.head(key),
    list: (prefix: string, options?: { readonly storeOnly?: boolean }) => store.list(prefix, options),
    delete: (key: string) => store.delete(key),
  };
}
