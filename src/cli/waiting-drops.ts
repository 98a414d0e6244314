/**
 * The files waiting in an inbox, as `courant status` lists them. A file leaves the inbox once every
 * day it covers succeeded, so one still there is either being ingested or was ingested and failed
 * (its ingestion, `ingest/{key}#{content}` or the batch of an SFTP pickup's round, is not started
 * again by the SFTP pickup, nor by the inbox scan within an hour of its fetch: the same bytes are ingested once). Listing them makes such a file visible.
 */
import path from 'node:path';
import type { ObjectStore } from '../storage/object-store.js';
import { inboxContentOf, inboxKeys } from '../workflow-safe/keys.js';

/** Lines listed at most; the rest are counted. */
const MAX_LISTED = 20;

export interface WaitingDrop {
  readonly dataset: string;
  readonly key: string;
  readonly bytes: number;
}

export async function waitingDrops(objects: ObjectStore, datasets: readonly string[]): Promise<WaitingDrop[]> {
  const found: WaitingDrop[] = [];
  for (const dataset of datasets)
    for (const object of await objects.list(inboxKeys.folder(dataset)))
      found.push({ dataset, key: object.key, bytes: object.bytes });
  return found;
}

/** The status section of files waiting in an inbox; empty when there are none. */
export function waitingDropsText(drops: readonly WaitingDrop[]): string {
  if (drops.length === 0) return '';
  const lines = drops.slice(0, MAX_LISTED).map((d) => {
    const content = inboxContentOf(d.key);
    const ingestion = content === null ? '' : `  (ingest/${d.key}#${content})`;
    return `  ${d.dataset}  ${path.posix.basename(d.key)}${ingestion}`;
  });
  if (drops.length > MAX_LISTED) lines.push(`  … and ${drops.length - MAX_LISTED} more under inbox/*/`);
  return (
    `\nFiles waiting in an inbox (${drops.length}): being ingested, or ingested and failed — a failed one is ` +
    `not retried by itself: find its ingestion in the Web UI (the one named below, or for a file fetched by SFTP ` +
    `its pickup's batch, ingest-batch/{dataset}/…, whose failure names it), fix the cause, then courant ingest --file it again:\n` +
    `${lines.join('\n')}\n`
  );
}
