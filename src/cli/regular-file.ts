/**
 * A command's input file option (`--file`): a regular file it may read (a link to one is
 * followed), refused at once otherwise as bad usage naming the path and what it is — a FIFO would
 * leave the command waiting for a writer, a folder or a device never reads as a file.
 */
import { constants, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { UsageError } from './errors.js';

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (a named pipe: reading it waits for a writer)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/** `value` when it names a regular file this process may read; a UsageError naming `option`, the path and what it is otherwise. */
export async function regularFileOption(option: string, value: unknown): Promise<string> {
  if (typeof value !== 'string' || value === '')
    throw new UsageError(`${option}: a path to a file, got ${JSON.stringify(value)}`);
  const unreadable = (error: NodeJS.ErrnoException) =>
    new UsageError(
      `${option}: ${value} ${error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code ?? error.message})`}`,
      { cause: error },
    );
  const info = await stat(value).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(error);
  });
  if (!info.isFile()) throw new UsageError(`${option}: ${value} is ${kindOf(info)}, not a regular file`);
  await access(value, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(error);
  });
  return value;
}
