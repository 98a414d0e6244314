/** ObjectStore on the local file system under one root directory; writes are temp + rename. */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertSafeKey, ObjectNotFoundError, type ObjectStore, type StoredObjectInfo } from './object-store.js';

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

export class LocalObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.location = pathToFileURL(this.root).href;
  }

  /** The absolute path of a key, refused if it would leave the root. */
  pathOf(key: string): string {
    assertSafeKey(key);
    const full = path.resolve(this.root, key);
    if (!full.startsWith(this.root + path.sep))
      throw new RangeError(`storage key ${JSON.stringify(key)} leaves ${this.root}`);
    return full;
  }

  async put(key: string, body: Uint8Array | string): Promise<StoredObjectInfo> {
    return this.writeAtomically(key, (temp) => writeFile(temp, body));
  }

  async putFile(key: string, sourcePath: string): Promise<StoredObjectInfo> {
    return this.writeAtomically(key, (temp) => copyFile(sourcePath, temp));
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  async getToFile(key: string, targetPath: string): Promise<void> {
    try {
      await copyFile(this.pathOf(key), targetPath);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    try {
      const s = await stat(this.pathOf(key));
      return { key, bytes: s.size };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async writeAtomically(key: string, write: (temp: string) => Promise<void>): Promise<StoredObjectInfo> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await write(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { key, bytes: (await stat(target)).size };
  }
}
