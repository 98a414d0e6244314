/**
 * Inbox files whose name starts with a dot are never ingested: editors, sync tools and uploads in
 * progress write such names (`.x.csv.swp`, `.~lock.x.csv#`, rsync's `.x.csv.Ab12Cd`), and one
 * may be renamed into place a moment later. Such a file is left where it is, but said once: the
 * first scan that sees it writes a note (`quarantine/{dataset}/skipped/{hash}.reason.json`, the
 * file's key and why) and logs a warning; later scans find the note and stay quiet;
 * `courant status` lists the notes. A note whose file has left the inbox is removed, so a file
 * dropped again under that name is said again.
 */
import { log } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { inboxKeys } from '../workflow-safe/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface SkippedEntry {
  readonly entry: string;
  readonly note: string;
  readonly reason: string;
}

/** Whether the inbox scan skips `key` for its name. */
function isHiddenName(key: string): boolean {
  return path.posix.basename(key).startsWith('.');
}

/**
 * Notes and logs the dot-named files of `inbox/{dataset}/` not noted yet, drops the notes of those
 * gone; returns the new ones. Run inside an activity (its log).
 */
export async function noteHiddenEntries(objects: ObjectStore, dataset: string): Promise<SkippedEntry[]> {
  const hidden = (await objects.list(inboxKeys.folder(dataset))).filter((o) => isHiddenName(o.key));
  const wanted = new Map(
    hidden.map((o) => [inboxKeys.skippedNote(dataset, createHash('sha256').update(o.key).digest('hex')), o.key]),
  );
  const noted = await objects.list(inboxKeys.skippedFolder(dataset));
  for (const note of noted) if (!wanted.has(note.key)) await objects.delete(note.key);
  const known = new Set(noted.map((note) => note.key));
  const said: SkippedEntry[] = [];
  for (const [note, entry] of wanted) {
    if (known.has(note)) continue;
    const reason = `${entry} is skipped: a file whose name starts with a dot is never ingested (a temporary or hidden file); rename it without the dot to ingest it`;
    await objects.put(note, `${JSON.stringify({ file: entry, reason }, null, 2)}\n`, {
      contentType: 'application/json',
    });
    log.warn('inbox file skipped: its name starts with a dot', { entry, note, reason });
    said.push({ entry, note, reason });
  }
  return said;
}
