/** ObjectStore: the contract every object backend honours (DESIGN §3). */

export interface StoredObjectInfo {
  readonly key: string;
  readonly bytes: number;
}

export interface PutOptions {
  readonly contentType?: string;
}

export interface ObjectStore {
  /** Where objects go, for logs and messages, e.g. `file:///srv/courant/data`. */
  readonly location: string;
  /** Writes atomically: a reader sees the previous object or the new one, never a part. */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<StoredObjectInfo>;
  /** Stores the content of a local file under `key`, atomically. The source file is left in place. */
  putFile(key: string, sourcePath: string, options?: PutOptions): Promise<StoredObjectInfo>;
  /** Reads a whole object; throws ObjectNotFoundError when absent. */
  get(key: string): Promise<Uint8Array>;
  /** Copies an object into a local file (for readers such as DuckDB that want a path). */
  getToFile(key: string, targetPath: string): Promise<void>;
  /** Size of an object, or null when absent. */
  head(key: string): Promise<StoredObjectInfo | null>;
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

/** Refused keys: traversal, absolute paths, NUL, empty segments. Checked before any I/O. */
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
            : null;
  if (problem) throw new RangeError(`storage key ${JSON.stringify(key)} ${problem}`);
}
