/**
 * Reads that name the store when it cannot be reached: a network fault of the record store, or an
 * object store that is down with no local copy to fall back to, answers 503 naming the store and
 * where it is; the next request tries again, so the console recovers as soon as the store does.
 */
import { isNetworkFault } from '../faults/service-unavailable.js';
import { StorageUnavailableError } from '../storage/object-store.js';
import { problem, ProblemError } from './problems.js';

export interface StoreNames {
  /** e.g. `the document store at mongodb://127.0.0.1:27017/courant (MONGODB_URL)`. */
  readonly records: string;
  /** e.g. `file:///data` or `s3://bucket/prefix/ (us-east-1)`. */
  readonly objects: string;
}

function unavailable(store: string, error: unknown): ProblemError {
  return new ProblemError(problem(503, 'storage-unavailable', `cannot reach ${store}: retry shortly`), {
    cause: error,
  });
}

export function storageGuard(names: StoreNames) {
  return {
    async records<T>(read: () => Promise<T>): Promise<T> {
      try {
        return await read();
      } catch (error) {
        if (isNetworkFault(error)) throw unavailable(names.records, error);
        throw error;
      }
    },
    async objects<T>(read: () => Promise<T>): Promise<T> {
      try {
        return await read();
      } catch (error) {
        if (error instanceof StorageUnavailableError || isNetworkFault(error)) throw unavailable(names.objects, error);
        throw error;
      }
    },
  };
}

export type StorageGuard = ReturnType<typeof storageGuard>;
