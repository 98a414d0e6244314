/**
 * Local paths that cannot be written — permission, read-only file system, no space, a file where a
 * directory should be — are faults of the configuration or the machine: no retry heals them. They
 * become StorageMisconfiguredError, naming the path and the variable that chose it.
 */
import { access, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorType } from '../workflow-safe/errors.js';
import { causeChain, systemErrorFields } from './cause-chain.js';
import { makeDirectory } from './make-directory.js';

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a directory',
};

/** A directory courant writes to, with the variable that sets it. */
export interface LocalRoot {
  readonly path: string;
  readonly variable: string;
}

export class StorageMisconfiguredError extends Error {
  override readonly name = 'StorageMisconfiguredError';
  readonly type = ErrorType.StorageMisconfigured;

  constructor(
    readonly path: string,
    readonly code: string,
    readonly variable: string | undefined,
    options?: { cause?: unknown },
  ) {
    const fix =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? 'free some space'
        : variable
          ? `set ${variable} to a directory courant can write`
          : 'make it writable';
    super(
      `cannot write ${path} (${code}, ${REASONS[code] ?? 'refused'}${variable ? `; ${variable}` : ''}): ${fix}`,
      options,
    );
  }
}

function rootOf(file: string, roots: readonly LocalRoot[]): LocalRoot | undefined {
  const resolved = path.resolve(file);
  return roots.find((root) => {
    const relative = path.relative(root.path, resolved);
    return (
      relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative)) || root.path.startsWith(resolved)
    );
  });
}

/** The StorageMisconfiguredError an error stands for, if any level of its cause chain is such a fault. */
export function storageMisconfiguration(
  error: unknown,
  roots: readonly LocalRoot[],
): StorageMisconfiguredError | undefined {
  if (error instanceof StorageMisconfiguredError) return error;
  for (const level of causeChain(error)) {
    const fields = systemErrorFields(level);
    if (!fields || !(fields.code in REASONS)) continue;
    const where = fields.path ?? roots[0]?.path ?? 'a local path';
    return new StorageMisconfiguredError(where, fields.code, rootOf(where, roots)?.variable, { cause: error });
  }
  return undefined;
}

/**
 * Creates the directory if needed and proves it writable with a probe file; throws
 * StorageMisconfiguredError (a file where the directory should be included).
 */
export async function ensureWritableDirectory(root: LocalRoot): Promise<void> {
  const probe = path.join(root.path, `.courant-write-check-${process.pid}`);
  const found = await stat(root.path).catch(() => null);
  if (found && !found.isDirectory()) throw new StorageMisconfiguredError(root.path, 'ENOTDIR', root.variable);
  try {
    await makeDirectory(root.path);
    await access(root.path);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw storageMisconfiguration(error, [root]) ?? error;
  }
}
