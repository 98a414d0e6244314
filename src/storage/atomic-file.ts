/** Files written whole or not at all: a temporary file beside the target, flushed, then renamed. */
import { randomUUID } from 'node:crypto';
import { closeSync, fdatasync, openSync, renameSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeDirectory } from '../faults/make-directory.js';

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * Runs `create`, which makes a file in `target`'s directory; should the directory be missing
 * (ENOENT), makes it (and every missing parent) and runs `create` again. A directory that exists,
 * the usual case, costs no look at the disk beyond the write itself.
 */
async function inDirectory<T>(target: string, create: () => T | Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await makeDirectory(path.dirname(target));
  return create();
}

/** `fdatasync` on the thread pool, for a file descriptor opened synchronously. */
const flushed = promisify(fdatasync);

/** `target`'s temporary file: removed when `work` fails, the failure thrown. */
async function withTemporary(target: string, work: (temp: string) => Promise<void>): Promise<void> {
  const temp = `${target}.${randomUUID()}.tmp`;
  try {
    await work(temp);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Runs `write(temp)` on a temporary path in the target's directory, flushes it to disk (unless
 * `sync` is false; opened, closed and renamed by synchronous calls, see {@link writeBytesAtomically})
 * and renames it over `target`: a reader sees the previous file or the new one,
 * never a part. The temporary file is removed when anything fails. A `repeatable` write (a copy,
 * not a stream) is run again once a missing directory is made; any other finds it made first.
 */
export async function writeFileAtomically(
  target: string,
  write: (temp: string) => Promise<void>,
  options: { sync?: boolean; repeatable?: boolean } = {},
): Promise<void> {
  if (!options.repeatable) await makeDirectory(path.dirname(target));
  await withTemporary(target, async (temp) => {
    await (options.repeatable ? inDirectory(target, () => write(temp)) : write(temp));
    if (options.sync !== false) {
      const fd = openSync(temp, 'r+');
      try {
        await flushed(fd);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(temp, target);
  });
}

/**
 * `body` written to `target` as {@link writeFileAtomically} writes a file; returns the bytes written.
 * Opened, written, closed and renamed by synchronous calls, flushed (`fdatasync`) by the thread
 * pool: a document of a day (a report, a metrics or checks file, a raw download) is written to the
 * page cache in microseconds, where each call sent to the thread pool costs the process two thread
 * switches and the event loop a promise; only the flush waits for the disk.
 */
export async function writeBytesAtomically(target: string, body: Uint8Array | string): Promise<number> {
  await withTemporary(target, async (temp) => {
    const fd = await inDirectory(target, () => openSync(temp, 'wx'));
    try {
      writeFileSync(fd, body);
      await flushed(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  });
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}
