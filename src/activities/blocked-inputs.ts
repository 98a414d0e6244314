/**
 * The downloads of a day that a blocking quality check stopped. Raw files are reused by re-runs;
 * a blocked day's source must be fetched again once it is fixed. So each of its downloaded files
 * is copied to `quarantine/{dataset}/dt={date}/blocked/{source}-{sha256 prefix}.{ext}` (kept for
 * the record, named by its content), and a download finding its stored raw file there fetches the
 * source again. Dropped and collected files are not copied: they cannot be fetched again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { DROP_SOURCE, storageKeys } from '../workflow-safe/keys.js';
import type { InputFile } from '../workflow-safe/day-records.js';
import type { ActivityDeps } from './deps.js';

/** The extension of a downloaded raw file `raw/{dataset}/dt={date}/{source}.{ext}`, or null for another kind. */
function downloadExtension(dataset: string, date: string, input: InputFile): string | null {
  if (input.source === DROP_SOURCE) return null;
  const ext = path.posix.extname(input.key).slice(1);
  if (!ext) return null;
  return input.key === storageKeys.raw(dataset, date, input.source, ext) ? ext : null;
}

/** Copies the day's downloaded raw files under `blocked/` (once each); returns their keys there. */
export async function keepBlockedDownloads(
  deps: Pick<ActivityDeps, 'objects' | 'scratchDir'>,
  dataset: string,
  date: string,
  inputs: readonly InputFile[],
): Promise<string[]> {
  const kept: string[] = [];
  const scratch = await mkdtemp(path.join(deps.scratchDir, 'blocked-'));
  try {
    for (const input of inputs) {
      const ext = downloadExtension(dataset, date, input);
      if (ext === null) continue;
      const target = storageKeys.blockedRaw(dataset, date, input.source, input.sha256, ext);
      if (!(await deps.objects.head(target))) {
        const local = path.join(scratch, `${input.source}.${ext}`);
        await deps.objects.getToFile(input.key, local);
        await deps.objects.putFile(target, local);
      }
      kept.push(target);
    }
    return kept;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** True when the stored raw file of a source is one a blocking check stopped: fetch the source again. */
export async function wasBlocked(
  objects: ActivityDeps['objects'],
  dataset: string,
  date: string,
  source: string,
  sha256: string,
  ext: string,
): Promise<boolean> {
  return (await objects.head(storageKeys.blockedRaw(dataset, date, source, sha256, ext))) !== null;
}
