/**
 * `mkdir -p` that always ends. Node's recursive mkdir loops for ever (at full CPU) under a parent
 * that answers ENOENT to every new entry although it exists, such as `/proc/1`; here each missing
 * level is created in turn, once, and such a refusal is an EPERM naming the directory, which the
 * CLI and the activities report as a misconfigured path with its variable.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

const codeOf = (error: unknown): unknown =>
  error instanceof Error && 'code' in error ? (error as { code: unknown }).code : undefined;

/**
 * The directory and every missing parent, created one level at a time. The directory itself is
 * made first, in one call, as when a day's folder is written to for the first time beside the
 * folders of other days; only a missing parent sends it up the path.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const target = path.resolve(dir);
  const made = await mkdir(target).then(
    () => true,
    (error: unknown) => {
      if (codeOf(error) === 'ENOENT' || codeOf(error) === 'EEXIST') return false;
      throw error;
    },
  );
  if (made) return;
  const missing: string[] = [];
  for (let at = target; ; at = path.dirname(at)) {
    const found = await stat(at).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return null;
      throw error;
    });
    if (found) {
      if (!found.isDirectory())
        throw Object.assign(new Error(`${at} is a file, not a directory`), { code: 'ENOTDIR', path: at });
      break;
    }
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      // Another writer made it meanwhile.
      if (codeOf(error) === 'EEXIST') continue;
      if (codeOf(error) !== 'ENOENT') throw error;
      throw Object.assign(new Error(`cannot create ${level}: ${path.dirname(level)} takes no new entry`), {
        code: 'EPERM',
        path: level,
        cause: error,
      });
    }
  }
}
