/**
 * Imported files (`courant import`): a file is stored once, immutable, under
 * `imports/{dataset}/{sha256}/{filename}`, and the days it covers run with their download step
 * reading that file instead of the source's API. Pure: workflows import it.
 */
import type { DatasetName } from './datasets.js';

/** Where an imported day's rows come from; travels in backfill, day and dataset-day inputs. */
export interface ImportRef {
  readonly dataset: DatasetName;
  /** Storage key of the stored file. */
  readonly key: string;
  /** sha256 of the stored file's bytes, hex. */
  readonly sha256: string;
}

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

const MAX_FILE_NAME = 120;

/**
 * A file name safe in a storage key: the last path segment, characters other than letters,
 * digits, `.`, `_` and `-` replaced by `_`, no leading dot, at most 120 characters.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const safe = base
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '')
    .slice(-MAX_FILE_NAME);
  return safe === '' ? 'import' : safe;
}
