/**
 * Whether a new answer of a source may replace the day's stored raw file of that source, by the
 * module's `revisions.replaces` rule (eCO2mix: an older nature never replaces a newer one). Used
 * wherever a stored raw file is overwritten: a revision taken, a day taken from an imported file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfiguredDataset } from '../datasets/modules.js';
import type { ActivityDeps } from './deps.js';
import { classifyingBadData } from './failures.js';

export interface Replacement {
  readonly date: string;
  readonly source: string;
  /** The stored raw file's key and sha256. */
  readonly key: string;
  readonly storedSha256: string;
  readonly body: Uint8Array;
  readonly sha256: string;
}

/** Null when `body` may replace the stored file, else why not (the stored file is then kept). */
export async function refusedReplacement(
  deps: ActivityDeps,
  dataset: ConfiguredDataset,
  input: Replacement,
): Promise<string | null> {
  const revisions = deps.datasets.capability('revisions', dataset.module.name);
  if (!revisions?.replaces) return null;
  const scratch = await mkdtemp(path.join(deps.scratchDir, 'replacement-'));
  const db = await deps.duckdb.connect();
  try {
    const name = path.basename(input.key);
    const storedPath = path.join(scratch, `stored-${name}`);
    const incomingPath = path.join(scratch, `incoming-${name}`);
    await deps.objects.getToFile(input.key, storedPath);
    await writeFile(incomingPath, input.body);
    const file = (key: string, at: string, sha256: string) => ({
      source: input.source,
      key,
      path: at,
      sha256,
      order: 0,
      options: {},
    });
    return await classifyingBadData(() =>
      revisions.replaces!({
        date: input.date,
        db,
        stored: file(input.key, storedPath, input.storedSha256),
        incoming: file(`${input.key} (new)`, incomingPath, input.sha256),
      }),
    );
  } finally {
    db.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
}
