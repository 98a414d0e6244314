/** An ObjectStore wrapper that lets a test act at precise points of a pipeline run (stop a server, …). */
import type { ObjectStore } from '../../src/storage/object-store.js';

export interface ObjectStoreHooks {
  /** Awaited before `read(key)` (what transformDay uses) and `getToFile(key)` (computeMetrics) run. */
  beforeRead?(key: string): Promise<void>;
  /** Called, not awaited, when a write fails. */
  onWriteFailure?(key: string, error: unknown): void;
}

export function withHooks(store: ObjectStore, hooks: () => ObjectStoreHooks): ObjectStore {
  const failing = <T>(key: string, work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      hooks().onWriteFailure?.(key, error);
      throw error;
    });
  return {
    location: store.location,
    put: (key, body, options) => failing(key, store.put(key, body, options)),
    putFile: (key, source, options) => failing(key, store.putFile(key, source, options)),
    get: (key) => store.get(key),
    head: (key) => store.head(key),
    list: (prefix, options) => store.list(prefix, options),
    delete: (key) => store.delete(key),
    async read(key) {
      await hooks().beforeRead?.(key);
      return store.read(key);
    },
    async getToFile(key, target) {
      await hooks().beforeRead?.(key);
      return store.getToFile(key, target);
    },
  };
}

/** Runs `action` once, however many callers ask at once; every caller waits for it. */
export function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}
