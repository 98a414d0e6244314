/**
 * A bounded local cache of S3 objects under S3_CACHE_DIR, one subdirectory per store location.
 * Each entry is two files named by the SHA-256 of its key: `{h}.data` (the bytes) and `{h}.json`
 * ({ key, etag, bytes, crc32 }). Both are written temp + rename, without fsync: every serve checks
 * the size and CRC-32 of the bytes, so a file truncated (by a crash) or corrupted on disk is
 * detected, dropped and fetched again instead of being served. Entries are evicted least
 * recently used first when the total passes `maxBytes`; entries being served are never evicted.
 * The last use is kept as the metadata file's mtime, so the order survives restarts.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { z } from 'zod';
import { makeDirectory } from '../faults/make-directory.js';
import { isNotFound, writeFileAtomically } from './atomic-file.js';

export interface CacheEntry {
  readonly key: string;
  readonly etag: string;
  readonly bytes: number;
  readonly crc32: number;
}

interface IndexedEntry extends CacheEntry {
  /** Position in the use order: higher is more recent (a counter, so that ties cannot happen). */
  lastUsed: number;
}

const entrySchema = z.object({
  key: z.string(),
  etag: z.string(),
  bytes: z.number().int().min(0),
  crc32: z.number().int().min(0),
});

/** Stale temporary files (from a crash mid-write) are removed after this long. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Counts the bytes that flow through it and their CRC-32. */
class Digest extends Transform {
  bytes = 0;
  crc32 = 0;
  constructor() {
    super({
      transform: (chunk: Buffer, _encoding, done) => {
        this.crc32 = crc32(chunk, this.crc32);
        this.bytes += chunk.byteLength;
        done(null, chunk);
      },
    });
  }
}

export class ObjectCache {
  private readonly root: string;
  private index: Map<string, IndexedEntry> | undefined;
  private loading: Promise<Map<string, IndexedEntry>> | undefined;
  private totalBytes = 0;
  private clock = 0;
  private readonly pins = new Map<string, number>();

  constructor(
    dir: string,
    /** Location of the store cached (e.g. `s3://bucket/prefix/`): one directory may serve several. */
    private readonly location: string,
    readonly maxBytes: number,
    private readonly logger?: Logger,
  ) {
    const place = createHash('sha256').update(location).digest('hex').slice(0, 16);
    this.root = path.join(path.resolve(dir), 'v1', place);
  }

  /** Whether an object of this size may be cached at all. */
  fits(bytes: number): boolean {
    return bytes <= this.maxBytes;
  }

  /** The entry of `key`, if cached (not yet verified). */
  async lookup(key: string): Promise<CacheEntry | undefined> {
    return (await this.load()).get(this.idOf(key));
  }

  /** Bytes currently held, for tests and logs. */
  async size(): Promise<{ entries: number; bytes: number }> {
    const index = await this.load();
    return { entries: index.size, bytes: this.totalBytes };
  }

  /** The data file of an entry, for tests that damage it on purpose. */
  dataPathOf(key: string): string {
    return this.pathsOf(this.idOf(key)).data;
  }

  /**
   * Stores a body read from `source` as the entry of `key` at `etag`, hashing while writing.
   * Returns the entry, or throws when the source fails (nothing is stored then).
   */
  async store(key: string, etag: string, source: Readable | Uint8Array): Promise<CacheEntry> {
    const index = await this.load();
    const id = this.idOf(key);
    const paths = this.pathsOf(id);
    const digest = new Digest();
    await writeFileAtomically(
      paths.data,
      async (temp) => {
        if (source instanceof Uint8Array) {
          digest.end(source);
          await pipeline(digest, createWriteStream(temp));
        } else {
          await pipeline(source, digest, createWriteStream(temp));
        }
      },
      { sync: false },
    );
    const entry: CacheEntry = { key, etag, bytes: digest.bytes, crc32: digest.crc32 };
    await writeFileAtomically(paths.meta, (temp) => writeFile(temp, JSON.stringify(entry)), { sync: false });
    const previous = index.get(id);
    if (previous) this.totalBytes -= previous.bytes;
    index.set(id, { ...entry, lastUsed: ++this.clock });
    this.totalBytes += entry.bytes;
    await this.evict();
    return entry;
  }

  /**
   * Reads the entry's bytes if they are intact (size and CRC-32 match) and, when `etag` is
   * given, still at that version. A damaged entry is dropped and null returned.
   */
  async read(key: string, etag?: string): Promise<Buffer | null> {
    return this.serve(key, etag, async (entry, file) => {
      const body = await readFile(file);
      return body.byteLength === entry.bytes && crc32(body) === entry.crc32 ? body : null;
    });
  }

  /** Copies the entry's bytes to `target` if intact (see read); returns the size, or null. */
  async copyTo(key: string, target: string, etag?: string): Promise<number | null> {
    return this.serve(key, etag, async (entry, file) => {
      const digest = new Digest();
      await pipeline(createReadStream(file), digest, createWriteStream(target));
      return digest.bytes === entry.bytes && digest.crc32 === entry.crc32 ? digest.bytes : null;
    });
  }

  /** Drops the entry of `key`, if any. */
  async invalidate(key: string): Promise<void> {
    const index = await this.load();
    const id = this.idOf(key);
    const entry = index.get(id);
    if (entry) {
      index.delete(id);
      this.totalBytes -= entry.bytes;
    }
    const paths = this.pathsOf(id);
    await rm(paths.meta, { force: true });
    await rm(paths.data, { force: true });
  }

  private async serve<T>(
    key: string,
    etag: string | undefined,
    use: (entry: CacheEntry, file: string) => Promise<T | null>,
  ): Promise<T | null> {
    const index = await this.load();
    const id = this.idOf(key);
    const entry = index.get(id);
    if (!entry || (etag !== undefined && entry.etag !== etag)) return null;
    this.pins.set(id, (this.pins.get(id) ?? 0) + 1);
    try {
      const result = await use(entry, this.pathsOf(id).data).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
      if (result === null) {
        this.logger?.warn({ key, location: this.location }, 'cache file truncated, corrupt or missing; dropping it');
        await this.invalidate(key);
        return null;
      }
      entry.lastUsed = ++this.clock;
      const now = new Date();
      await utimes(this.pathsOf(id).meta, now, now).catch(() => undefined);
      return result;
    } finally {
      const left = (this.pins.get(id) ?? 1) - 1;
      if (left === 0) this.pins.delete(id);
      else this.pins.set(id, left);
    }
  }

  /** Removes least recently used entries (never pinned ones) until the total fits. */
  private async evict(): Promise<void> {
    const index = await this.load();
    if (this.totalBytes <= this.maxBytes) return;
    const candidates = [...index.entries()]
      .filter(([id]) => !this.pins.has(id))
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [, entry] of candidates) {
      if (this.totalBytes <= this.maxBytes) break;
      await this.invalidate(entry.key);
      this.logger?.debug({ key: entry.key, bytes: entry.bytes }, 'evicted from the S3 cache');
    }
  }

  private idOf(key: string): string {
    return createHash('sha256').update(key).digest('hex');
  }

  private pathsOf(id: string): { data: string; meta: string } {
    const dir = path.join(this.root, id.slice(0, 2));
    return { data: path.join(dir, `${id}.data`), meta: path.join(dir, `${id}.json`) };
  }

  /** Reads the index from disk once: every well-formed entry whose data file has the right size. */
  private async load(): Promise<Map<string, IndexedEntry>> {
    if (this.index) return this.index;
    this.loading ??= this.scan().then((index) => (this.index = index));
    return this.loading;
  }

  private async scan(): Promise<Map<string, IndexedEntry>> {
    await makeDirectory(this.root);
    const found: Array<{ id: string; entry: CacheEntry; usedAt: number }> = [];
    const now = Date.now();
    for (const shard of await readdir(this.root)) {
      const dir = path.join(this.root, shard);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const file = path.join(dir, name);
        if (name.endsWith('.tmp')) {
          const s = await stat(file).catch(() => null);
          if (s && now - s.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
          continue;
        }
        if (!name.endsWith('.json')) continue;
        const id = name.slice(0, -'.json'.length);
        try {
          const parsed = entrySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
          const data = await stat(path.join(dir, `${id}.data`));
          if (!parsed.success || data.size !== parsed.data.bytes || this.idOf(parsed.data.key) !== id) {
            await rm(file, { force: true });
            await rm(path.join(dir, `${id}.data`), { force: true });
            continue;
          }
          found.push({ id, entry: parsed.data, usedAt: (await stat(file)).mtimeMs });
        } catch {
          await rm(file, { force: true });
        }
      }
    }
    const index = new Map<string, IndexedEntry>();
    for (const { id, entry } of found.sort((a, b) => a.usedAt - b.usedAt)) {
      index.set(id, { ...entry, lastUsed: ++this.clock });
      this.totalBytes += entry.bytes;
    }
    this.index = index;
    await this.evict();
    return index;
  }
}
