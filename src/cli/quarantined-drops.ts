/**
 * The dropped files refused from an inbox, as `courant status` lists them: each
 * `quarantine/{dataset}/inbox/{name}.reason.json` beside the file it explains, with its one-sentence reason.
 */
import path from 'node:path';
import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store.js';

const REASON_SUFFIX = '.reason.json';

/** Lines listed at most; the rest are counted. */
const MAX_LISTED = 50;

const reasonSchema = z.object({ file: z.string(), reason: z.string() });

export interface QuarantinedDrop {
  readonly dataset: string;
  /** The quarantined entry's key (`quarantine/{dataset}/inbox/{name}`). */
  readonly key: string;
  readonly reason: string;
}

/** The refused drops of `datasets`, by key; a reason file that cannot be read is listed as such. */
export async function quarantinedDrops(objects: ObjectStore, datasets: readonly string[]): Promise<QuarantinedDrop[]> {
  const found: QuarantinedDrop[] = [];
  for (const dataset of datasets) {
    for (const object of await objects.list(`quarantine/${dataset}/inbox`)) {
      if (!object.key.endsWith(REASON_SUFFIX)) continue;
      const key = object.key.slice(0, -REASON_SUFFIX.length);
      const parsed = reasonSchema.safeParse(
        await objects
          .get(object.key)
          .then((body) => JSON.parse(new TextDecoder().decode(body)) as unknown)
          .catch(() => null),
      );
      found.push({ dataset, key, reason: parsed.success ? parsed.data.reason : `its reason file cannot be read` });
    }
  }
  return found;
}

/** The status section of refused drops; empty when there are none. */
export function quarantinedDropsText(drops: readonly QuarantinedDrop[]): string {
  if (drops.length === 0) return '';
  const lines = drops.slice(0, MAX_LISTED).map((d) => `  ${d.dataset}  ${path.posix.basename(d.key)}: ${d.reason}`);
  if (drops.length > MAX_LISTED) lines.push(`  … and ${drops.length - MAX_LISTED} more under quarantine/*/inbox/`);
  return `\nFiles refused from an inbox (kept under quarantine/{dataset}/inbox/ with their reasons):\n${lines.join('\n')}\n`;
}
