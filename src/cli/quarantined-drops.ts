/**
 * The dropped files refused from an inbox, as `courant status` lists them: each
 * `quarantine/{dataset}/inbox/{name}.reason.json` beside the file it explains, with its one-sentence
 * reason; and the inbox files skipped for their name (a leading dot), each noted once by the inbox
 * scan under `quarantine/{dataset}/skipped/` while the file stays in the inbox.
 */
import path from 'node:path';
import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store.js';
import { inboxKeys } from '../workflow-safe/keys.js';

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

/** The reason a reason file gives, or null when it is not the JSON courant writes. */
function reasonOf(text: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = reasonSchema.safeParse(json);
  return parsed.success ? parsed.data.reason : null;
}

/** The reason files under `{folder(dataset)}` of each dataset, each with its reason. */
async function reasonFiles(
  objects: ObjectStore,
  datasets: readonly string[],
  folder: (dataset: string) => string,
): Promise<QuarantinedDrop[]> {
  const found: QuarantinedDrop[] = [];
  for (const dataset of datasets) {
    for (const object of await objects.list(folder(dataset))) {
      if (!object.key.endsWith(REASON_SUFFIX)) continue;
      const key = object.key.slice(0, -REASON_SUFFIX.length);
      const reason = reasonOf(new TextDecoder().decode(await objects.get(object.key)));
      found.push({ dataset, key, reason: reason ?? 'its reason file is not the JSON courant writes' });
    }
  }
  return found;
}

/**
 * The refused drops of `datasets`, by key; a reason file of another shape is listed as such, and a
 * store that cannot be read fails the listing.
 */
export function quarantinedDrops(objects: ObjectStore, datasets: readonly string[]): Promise<QuarantinedDrop[]> {
  return reasonFiles(objects, datasets, (dataset) => `quarantine/${dataset}/inbox`);
}

/** The inbox files of `datasets` skipped for their name, as the inbox scan noted them. */
export function skippedDrops(objects: ObjectStore, datasets: readonly string[]): Promise<QuarantinedDrop[]> {
  return reasonFiles(objects, datasets, (dataset) => inboxKeys.skippedFolder(dataset));
}

/** The status section of refused drops; empty when there are none. */
export function quarantinedDropsText(drops: readonly QuarantinedDrop[]): string {
  if (drops.length === 0) return '';
  const lines = drops.slice(0, MAX_LISTED).map((d) => `  ${d.dataset}  ${path.posix.basename(d.key)}: ${d.reason}`);
  if (drops.length > MAX_LISTED) lines.push(`  … and ${drops.length - MAX_LISTED} more under quarantine/*/inbox/`);
  return `\nFiles refused from an inbox (kept under quarantine/{dataset}/inbox/ with their reasons):\n${lines.join('\n')}\n`;
}

/** The status section of inbox files skipped for their name; empty when there are none. */
export function skippedDropsText(skipped: readonly QuarantinedDrop[]): string {
  if (skipped.length === 0) return '';
  const lines = skipped.slice(0, MAX_LISTED).map((d) => `  ${d.dataset}  ${d.reason}`);
  if (skipped.length > MAX_LISTED)
    lines.push(`  … and ${skipped.length - MAX_LISTED} more under quarantine/*/skipped/`);
  return `\nFiles left in an inbox, never ingested (a name starting with a dot):\n${lines.join('\n')}\n`;
}
