/**
 * S3 reads through the local ObjectCache. A read of a cached key is one conditional GET
 * (If-None-Match: the cached ETag): 304 serves the local copy (`origin: 'cache'`), 200 replaces it.
 * Concurrent reads of one key share a single request. Writes go to S3, then into the cache under
 * the ETag S3 returned, so reading back what was just written costs a 304.
 */
import type { Logger } from 'pino';
import { readFile } from 'node:fs/promises';
import type { ObjectCache } from './object-cache.js';
import {
  ObjectNotFoundError,
  type ObjectBody,
  type ObjectRead,
  type ObjectStore,
  type PutOptions,
  type ReadOrigin,
  type StoredObjectInfo,
} from './object-store.js';
import type { S3ObjectStore } from './s3-object-store.js';

const LOCAL_FILE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EIO', 'EMFILE', 'ENFILE']);

function isLocalFileError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && LOCAL_FILE_ERRORS.has(String(error.code));
}

/** What a shared refresh found: the cache holds the current bytes, or the object is too big for it. */
type Refresh =
  { readonly cached: true; readonly origin: ReadOrigin; readonly etag: string } | { readonly cached: false };

export class CachedObjectStore implements ObjectStore {
  readonly location: string;
  private readonly inflight = new Map<string, Promise<Refresh>>();

  constructor(
    private readonly s3: S3ObjectStore,
    readonly cache: ObjectCache,
    private readonly logger?: Logger,
  ) {
    this.location = s3.location;
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<StoredObjectInfo> {
    const info = await this.s3.put(key, body, options);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await this.remember(info, () => bytes);
    return info;
  }

  async putFile(key: string, sourcePath: string, options?: PutOptions): Promise<StoredObjectInfo> {
    const info = await this.s3.putFile(key, sourcePath, options);
    await this.remember(info, () => readFile(sourcePath));
    return info;
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.read(key)).body;
  }

  async read(key: string): Promise<ObjectBody> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refresh = await this.refresh(key);
      if (!refresh.cached) return this.s3.read(key);
      const body = await this.cache.read(key, refresh.etag);
      if (body) return { key, bytes: body.byteLength, origin: refresh.origin, body };
      // The entry was damaged or replaced between the refresh and the read: refresh again.
    }
    return this.s3.read(key);
  }

  async getToFile(key: string, targetPath: string): Promise<ObjectRead> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refresh = await this.refresh(key);
      if (!refresh.cached) return this.s3.getToFile(key, targetPath);
      const bytes = await this.cache.copyTo(key, targetPath, refresh.etag);
      if (bytes !== null) return { key, bytes, origin: refresh.origin };
    }
    return this.s3.getToFile(key, targetPath);
  }

  head(key: string): Promise<StoredObjectInfo | null> {
    return this.s3.head(key);
  }

  list(prefix: string): Promise<StoredObjectInfo[]> {
    return this.s3.list(prefix);
  }

  async delete(key: string): Promise<void> {
    await this.s3.delete(key);
    await this.cache.invalidate(key);
  }

  /** Makes sure the cache holds the current version of `key`; one request per key at a time. */
  private refresh(key: string): Promise<Refresh> {
    const running = this.inflight.get(key);
    if (running) return running;
    const work = this.doRefresh(key).finally(() => this.inflight.delete(key));
    this.inflight.set(key, work);
    return work;
  }

  private async doRefresh(key: string): Promise<Refresh> {
    const entry = await this.cache.lookup(key);
    const fetched = await this.s3.fetch(key, entry?.etag).catch(async (error: unknown) => {
      // Gone from S3: so is the cached copy.
      if (error instanceof ObjectNotFoundError && entry) await this.cache.invalidate(key);
      throw error;
    });
    if (fetched.notModified && entry) return { cached: true, origin: 'cache', etag: entry.etag };
    if (fetched.notModified) throw new Error(`S3 answered 304 to an unconditional GET of ${key}`);
    if (!this.cache.fits(fetched.bytes)) {
      fetched.body.destroy();
      return { cached: false };
    }
    try {
      await this.cache.store(key, fetched.etag, fetched.body);
    } catch (error) {
      fetched.body.destroy();
      // The local disk failed: read around the cache. Otherwise the body broke off: S3 went away mid-read.
      if (!isLocalFileError(error)) throw this.s3.readError(error, key);
      this.logger?.warn({ key, err: error }, 'could not write the S3 cache; reading around it');
      return { cached: false };
    }
    return { cached: true, origin: 'store', etag: fetched.etag };
  }

  /** Caches what was just written, under S3's ETag; a cache failure never fails the write. */
  private async remember(info: StoredObjectInfo, bytes: () => Uint8Array | Promise<Uint8Array>): Promise<void> {
    if (!info.etag || !this.cache.fits(info.bytes)) return;
    try {
      await this.cache.store(info.key, info.etag, await bytes());
    } catch (error) {
      this.logger?.warn({ key: info.key, err: error }, 'could not cache an object just written; continuing');
      await this.cache.invalidate(info.key).catch(() => undefined);
    }
  }
}
