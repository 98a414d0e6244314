/** ObjectStore: the contract every object backend honours (docs/architecture.md#storage-keys). */
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../workflow-safe/errors.js';

export interface StoredObjectInfo {
  readonly key: string;
  readonly bytes: number;
  /** The store's version tag of the object (S3 ETag), when it has one. */
  readonly etag?: string;
}

export interface PutOptions {
  readonly contentType?: string;
}

/**
 * Where a read was served from: the store itself, a local cache copy the store confirmed
 * unchanged, or a local copy used because the store could not be reached (`fallback`).
 */
export type ReadOrigin = 'store' | 'cache' | 'fallback';

export interface ObjectRead {
  readonly key: string;
  readonly bytes: number;
  readonly origin: ReadOrigin;
}

export interface ObjectBody extends ObjectRead {
  readonly body: Uint8Array;
}

/** A stored object's own file, read where it is. */
export interface ObjectFile extends ObjectRead {
  readonly path: string;
}

export interface ObjectStore {
  /** Where objects go, for logs and messages, e.g. `file:///srv/courant/data` or `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes atomically: a reader sees the previous object or the new one, never a part. */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<StoredObjectInfo>;
  /** Stores the content of a local file under `key`, atomically. The source file is left in place. */
  putFile(key: string, sourcePath: string, options?: PutOptions): Promise<StoredObjectInfo>;
  /** Reads a whole object; throws ObjectNotFoundError when absent. */
  get(key: string): Promise<Uint8Array>;
  /** Reads a whole object and says where it was served from; throws ObjectNotFoundError when absent. */
  read(key: string): Promise<ObjectBody>;
  /** Streams an object into a local file (for readers such as DuckDB that want a path). */
  getToFile(key: string, targetPath: string): Promise<ObjectRead>;
  /**
   * The file a store that keeps each object as a local file holds it in, for a reader that only
   * reads it (DuckDB) and need not copy it first; null when the object is absent. A store without
   * such files has no such method: read through `getToFile`. The file may be replaced whole by a
   * later write (atomically, as every write), never changed in place.
   */
  fileInPlace?(key: string): Promise<ObjectFile | null>;
  /** Size of an object, or null when absent. */
  head(key: string): Promise<StoredObjectInfo | null>;
  /**
   * Every object under the folder `prefix` (a key without trailing `/`), at any depth, sorted by key.
   * With `storeOnly`, what the store itself holds, never a local copy's listing instead (a store
   * that cannot be reached then fails, as `courant verify` needs).
   */
  list(prefix: string, options?: { readonly storeOnly?: boolean }): Promise<StoredObjectInfo[]>;
  /** Removes an object; an absent one is not an error. */
  delete(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(
    readonly key: string,
    location: string,
  ) {
    super(`no object "${key}" in ${location}`);
  }
}

/**
 * The object store could not be reached (network fault, 5xx, timeout) after the client's own
 * retries. A retryable ApplicationFailure of type TransientIO: an activity that throws it is retried
 * with backoff and, when retries run out, fails with the TransientIO advice to operators.
 */
export class StorageUnavailableError extends ApplicationFailure {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, ErrorType.TransientIO, false, undefined, options.cause instanceof Error ? options.cause : undefined);
  }
}

/** What the storage layout is written with: letters, digits, `.`, `_`, `-`, `=` and `/`. */
const KEY_CHARACTERS = /^[A-Za-z0-9._=/-]+$/;
const MAX_KEY_LENGTH = 512;

/**
 * Refused keys: traversal, absolute paths, NUL, empty segments, characters the layout never uses,
 * overlong keys. Every store checks before any I/O.
 */
export function assertSafeKey(key: string): void {
  const problem =
    key.length === 0
      ? 'is empty'
      : key.includes('\0')
        ? 'contains NUL'
        : key.startsWith('/') || /^[A-Za-z]:/.test(key) || key.includes('\\')
          ? 'is absolute or uses backslashes'
          : key.split('/').some((s) => s === '' || s === '.' || s === '..')
            ? 'has an empty, "." or ".." segment'
            : !KEY_CHARACTERS.test(key)
              ? 'has characters outside A-Z a-z 0-9 . _ = - /'
              : key.length > MAX_KEY_LENGTH
                ? `is longer than ${MAX_KEY_LENGTH} characters`
                : null;
  if (problem) throw new RangeError(`storage key ${JSON.stringify(key)} ${problem}`);
}
