/**
 * The aws-mode object store as the worker sees it: S3 (through its cache) first; when S3 cannot
 * be reached after the SDK's retries, reads are served from local copies — the cache's last
 * verified copy, then the mirror under DATA_DIR — logged, and marked `origin: 'fallback'` so the
 * day record can say so. Writes go to S3 only and then, once S3 has them, to the mirror; when S3
 * is down they fail (StorageUnavailableError, retryable) and are never redirected elsewhere.
 */
import type { Logger } from 'pino';
import type { LocalObjectStore } from './local-object-store.js';
import type { ObjectCache } from './object-cache.js';
import {
  ObjectNotFoundError,
  StorageUnavailableError,
  type ObjectBody,
  type ObjectRead,
  type ObjectStore,
  type PutOptions,
  type StoredObjectInfo,
} from './object-store.js';

/** A local copy a read may fall back to; null when it does not hold the key. */
export interface LocalCopy {
  readonly name: string;
  read(key: string): Promise<Uint8Array | null>;
  copyTo(key: string, targetPath: string): Promise<number | null>;
  head(key: string): Promise<StoredObjectInfo | null>;
}

/** The cache's copies, whatever their ETag (S3 cannot be asked), as long as they are intact. */
export function cacheCopy(cache: ObjectCache): LocalCopy {
  return {
    name: 'cache',
    read: (key) => cache.read(key),
    copyTo: (key, target) => cache.copyTo(key, target),
    head: async (key) => {
      const entry = await cache.lookup(key);
      return entry ? { key, bytes: entry.bytes, etag: entry.etag } : null;
    },
  };
}

/** The mirror under DATA_DIR: every object this worker wrote to S3, under the same keys. */
export function mirrorCopy(mirror: LocalObjectStore): LocalCopy {
  const absent = (error: unknown) => {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  };
  return {
    name: 'mirror',
    read: (key) => mirror.get(key).catch(absent),
    copyTo: (key, target) => mirror.getToFile(key, target).then((r) => r.bytes, absent),
    head: (key) => mirror.head(key),
  };
}

export class FallbackObjectStore implements ObjectStore {
  readonly location: string;

  constructor(
    private readonly primary: ObjectStore,
    private readonly mirror: LocalObjectStore,
    /** Tried in order when the primary is unreachable. */
    private readonly copies: readonly LocalCopy[],
    private readonly logger?: Logger,
  ) {
    this.location = primary.location;
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<StoredObjectInfo> {
    const info = await this.primary.put(key, body, options);
    await this.mirrored(key, () => this.mirror.put(key, body));
    return info;
  }

  async putFile(key: string, sourcePath: string, options?: PutOptions): Promise<StoredObjectInfo> {
    const info = await this.primary.putFile(key, sourcePath, options);
    await this.mirrored(key, () => this.mirror.putFile(key, sourcePath));
    return info;
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.read(key)).body;
  }

  async read(key: string): Promise<ObjectBody> {
    try {
      return await this.primary.read(key);
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      for (const copy of this.copies) {
        const body = await copy.read(key);
        if (body) {
          this.logFallback(key, copy.name, error);
          return { key, bytes: body.byteLength, origin: 'fallback', body };
        }
      }
      throw this.noCopy(key, error);
    }
  }

  async getToFile(key: string, targetPath: string): Promise<ObjectRead> {
    try {
      return await this.primary.getToFile(key, targetPath);
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      for (const copy of this.copies) {
        const bytes = await copy.copyTo(key, targetPath);
        if (bytes !== null) {
          this.logFallback(key, copy.name, error);
          return { key, bytes, origin: 'fallback' };
        }
      }
      throw this.noCopy(key, error);
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    try {
      return await this.primary.head(key);
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      for (const copy of this.copies) {
        const info = await copy.head(key);
        if (info) {
          this.logFallback(key, copy.name, error);
          return info;
        }
      }
      throw this.noCopy(key, error);
    }
  }

  /** Lists what the store holds; when it cannot be reached, what the mirror holds (logged), unless `storeOnly`. */
  async list(prefix: string, options: { readonly storeOnly?: boolean } = {}): Promise<StoredObjectInfo[]> {
    try {
      return await this.primary.list(prefix);
    } catch (error) {
      if (!(error instanceof StorageUnavailableError) || options.storeOnly === true) throw error;
      this.logFallback(prefix, 'mirror', error);
      return this.mirror.list(prefix);
    }
  }

  async delete(key: string): Promise<void> {
    await this.primary.delete(key);
    await this.mirrored(key, () => this.mirror.delete(key));
  }

  /** The mirror trails S3: a failure to update it is logged, never fails a write S3 accepted. */
  private async mirrored(key: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger?.warn({ key, err: error }, 'stored in S3 but could not update the local mirror');
    }
  }

  private logFallback(key: string, from: string, cause: StorageUnavailableError): void {
    this.logger?.warn(
      { key, location: this.location, servedFrom: from, fallback: true, cause: cause.message },
      'S3 unreachable: read served from a local copy',
    );
  }

  private noCopy(key: string, cause: StorageUnavailableError): StorageUnavailableError {
    return new StorageUnavailableError(`${cause.message}; no local copy of ${key} either`, { cause });
  }
}
