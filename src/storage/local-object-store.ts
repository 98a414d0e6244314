/**
 * ObjectStore on the local file system under one root directory. Keys are checked before any I/O,
 * and the resolved path must stay under the root (symbolic links included); writes are temp + rename.
 */
import { realpathSync, statSync } from 'node:fs';
import { copyFile, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeDirectory } from '../faults/make-directory.js';
import { isNotFound, writeBytesAtomically, writeFileAtomically } from './atomic-file.js';
import {
  assertSafeKey,
  ObjectNotFoundError,
  type ObjectBody,
  type ObjectFile,
  type ObjectRead,
  type ObjectStore,
  type StoredObjectInfo,
} from './object-store.js';

/** What `work` returns, or throws, as a promise. */
function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

/** Directories remembered as resolving inside the root, at most. */
const DIRECTORIES_REMEMBERED = 4096;

export class LocalObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;
  private realRoot: string | undefined;
  private rootMade: Promise<void> | undefined;
  private readonly insideRoot = new Set<string>();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.location = pathToFileURL(this.root).href;
  }

  /** The absolute path of a key, refused (RangeError) if it would leave the root. No I/O. */
  pathOf(key: string): string {
    assertSafeKey(key);
    const full = path.resolve(this.root, key);
    if (!full.startsWith(this.root + path.sep))
      throw new RangeError(`storage key ${JSON.stringify(key)} leaves ${this.root}`);
    return full;
  }

  async put(key: string, body: Uint8Array | string): Promise<StoredObjectInfo> {
    const target = await this.writableTarget(key);
    return { key, bytes: await writeBytesAtomically(target, body) };
  }

  async putFile(key: string, sourcePath: string): Promise<StoredObjectInfo> {
    return this.writeAtomically(key, (temp) => copyFile(sourcePath, temp));
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.read(key)).body;
  }

  async read(key: string): Promise<ObjectBody> {
    const file = this.pathOf(key);
    try {
      // A missing object (a day's first download looks for its metadata) costs no thread-pool call.
      if (this.sizeOf(file) === null) throw new ObjectNotFoundError(key, this.location);
      const body = await readFile(file);
      return { key, bytes: body.byteLength, origin: 'store', body };
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  async getToFile(key: string, targetPath: string): Promise<ObjectRead> {
    const file = this.pathOf(key);
    try {
      this.checkInsideRoot(file);
      await copyFile(file, targetPath);
      return { key, bytes: (await stat(targetPath)).size, origin: 'store' };
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  fileInPlace(key: string): Promise<ObjectFile | null> {
    return settled(() => {
      const file = this.pathOf(key);
      const bytes = this.sizeOf(file);
      return bytes === null ? null : { key, bytes, origin: 'store', path: file };
    });
  }

  head(key: string): Promise<StoredObjectInfo | null> {
    return settled(() => {
      const bytes = this.sizeOf(this.pathOf(key));
      return bytes === null ? null : { key, bytes };
    });
  }

  /**
   * The size of a file of the store, null when there is none. A synchronous `stat`, as the look
   * under the root (see {@link checkInsideRoot}): a few microseconds, where the thread pool costs more.
   */
  private sizeOf(file: string): number | null {
    try {
      this.checkInsideRoot(file);
    } catch (error) {
      // The root itself missing: nothing was ever written.
      if (isNotFound(error)) return null;
      throw error;
    }
    return statSync(file, { throwIfNoEntry: false })?.size ?? null;
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    const dir = this.pathOf(prefix);
    let entries;
    try {
      this.checkInsideRoot(path.join(dir, 'x'));
      entries = await readdir(dir, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    const files = entries.filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'));
    const found = await Promise.all(
      files.map(async (entry) => {
        const full = path.join(entry.parentPath, entry.name);
        const key = path.relative(this.root, full).split(path.sep).join('/');
        return { key, bytes: (await stat(full)).size };
      }),
    );
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    this.checkInsideRoot(file);
    await rm(file, { force: true });
  }

  /**
   * A symbolic link inside the root must not lead reads or writes outside it: the nearest existing
   * directory on the way to `file` must resolve inside the root. A directory so checked, the
   * missing ones below it (made by the write when missing) and the one found resolving inside are
   * not resolved again by this store (a few thousand remembered at most): the check guards against
   * links laid in the data directory, not against its directories being made or swapped as links
   * while the process runs. Resolved by synchronous calls: a new day's folders are met a few times
   * a day, and each costs microseconds where the thread pool's round trip costs more.
   */
  private checkInsideRoot(file: string): void {
    const parent = path.dirname(file);
    if (this.insideRoot.has(parent)) return;
    this.realRoot ??= realpathSync.native(this.root);
    const missing: string[] = [];
    for (let dir = parent; dir.startsWith(this.root); dir = path.dirname(dir)) {
      if (!this.insideRoot.has(dir)) {
        let real: string;
        try {
          real = realpathSync.native(dir);
        } catch (error) {
          if (!isNotFound(error)) throw error;
          missing.push(dir);
          continue;
        }
        if (real !== this.realRoot && !real.startsWith(this.realRoot + path.sep))
          throw new RangeError(`${file} resolves outside ${this.root}`);
      }
      for (const checked of [dir, ...missing]) this.remember(checked);
      return;
    }
  }

  private remember(dir: string): void {
    if (this.insideRoot.size >= DIRECTORIES_REMEMBERED) this.insideRoot.clear();
    this.insideRoot.add(dir);
  }

  /** `write` makes the temporary file from scratch each time it runs (a copy). */
  private async writeAtomically(key: string, write: (temp: string) => Promise<void>): Promise<StoredObjectInfo> {
    const target = await this.writableTarget(key);
    await writeFileAtomically(target, write, { repeatable: true });
    return { key, bytes: (await stat(target)).size };
  }

  /** The path of `key`, checked inside the root, for a write. */
  private async writableTarget(key: string): Promise<string> {
    const target = this.pathOf(key);
    // The root, made at the first write (checkInsideRoot resolves it); a root removed later is made
    // again by the write itself, which makes every missing level of the target's directory.
    this.rootMade ??= makeDirectory(this.root).catch((error: unknown) => {
      this.rootMade = undefined;
      throw error;
    });
    await this.rootMade;
    this.checkInsideRoot(target);
    return target;
  }
}
