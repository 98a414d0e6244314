/** Files written whole or not at all: a temporary file beside the target, flushed, then renamed. */
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectory } from '../faults/make-directory.js';

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * Runs `write(temp)` on a temporary path in the target's directory, flushes it to disk (unless
 * `sync` is false) and renames it over `target`: a reader sees the previous file or the new one,
 * never a part. The temporary file is removed when anything fails.
 */
export async function writeFileAtomically(
  target: string,
  write: (temp: string) => Promise<void>,
  options: { sync?: boolean } = {},
): Promise<void> {
  await makeDirectory(path.dirname(target));
  const temp = `${target}.${randomUUID()}.tmp`;
  try {
    await write(temp);
    if (options.sync !== false) {
      const handle = await open(temp, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
