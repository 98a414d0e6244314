/**
 * Output paths a command writes, checked before it does any work: a file it can create or
 * overwrite (`--out`), a folder it can create and write in (`--state-dir`). A path that cannot be
 * written is a UsageError naming the option, the path and the system's reason, instead of a failure
 * from deep in the work once everything is computed.
 */
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectory } from '../faults/make-directory.js';
import { UsageError } from './errors.js';

const codeOf = (error: unknown): string =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'refused';

function cannotWrite(option: string, target: string, error: unknown): UsageError {
  return new UsageError(`${option}: cannot write ${target} (${codeOf(error)}): give a path courant can write`, {
    cause: error,
  });
}

/**
 * The absolute path of `file`, once proven writable: created and removed when it does not exist
 * (so nothing is left behind), opened for writing without truncation when it does.
 */
export async function checkOutputFile(option: string, file: string): Promise<string> {
  const target = path.resolve(file);
  try {
    const created = await open(target, 'wx').catch((error: unknown) => {
      if (codeOf(error) !== 'EEXIST') throw error;
      return null;
    });
    if (created) {
      await created.close();
      await rm(target, { force: true });
    } else {
      await (await open(target, 'r+')).close();
    }
  } catch (error) {
    throw cannotWrite(option, target, error);
  }
  return target;
}

/** Creates `dir` when missing and proves it takes a new file. */
export async function checkOutputFolder(option: string, dir: string): Promise<void> {
  try {
    await makeDirectory(dir);
    const probe = path.join(dir, `.courant-write-check-${randomUUID()}`);
    await (await open(probe, 'wx')).close();
    await rm(probe, { force: true });
  } catch (error) {
    throw cannotWrite(option, dir, error);
  }
}
