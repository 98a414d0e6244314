/**
 * Inbox entries that are neither regular files nor folders — symbolic links, sockets, FIFOs,
 * devices — are never read (a link may lead anywhere, a FIFO would block the reader). Rather than
 * being passed over silently at every scan, each is moved (itself, never what it points to) to
 * `quarantine/{dataset}/inbox/{name}` with `{name}.reason.json` saying what it was, and logged
 * once. Only a local store holds such entries: object stores hold regular objects only.
 */
import type { Dirent } from 'node:fs';
import { readdir, readlink, rename } from 'node:fs/promises';
import { makeDirectory } from '../faults/make-directory.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inboxKeys } from '../workflow-safe/keys.js';
import { isNotFound } from '../storage/atomic-file.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface SetAsideEntry {
  readonly entry: string;
  readonly quarantined: string;
  readonly reason: string;
}

async function kindOf(entry: Dirent, full: string): Promise<string | null> {
  if (entry.isFile() || entry.isDirectory()) return null;
  if (entry.isSymbolicLink()) {
    const target = await readlink(full).catch(() => null);
    return `a symbolic link${target === null ? '' : ` (to ${target})`}`;
  }
  if (entry.isSocket()) return 'a socket';
  if (entry.isFIFO()) return 'a FIFO';
  return 'a device';
}

/**
 * Moves the entries of `inbox/{dataset}/` (at any depth) that are not regular files or folders to
 * the quarantine, each with its reason; returns them. Nothing when the store is not local.
 */
export async function quarantineOddEntries(objects: ObjectStore, dataset: string): Promise<SetAsideEntry[]> {
  if (!objects.location.startsWith('file:')) return [];
  const root = fileURLToPath(objects.location);
  const inbox = path.join(root, inboxKeys.folder(dataset));
  const entries = await readdir(inbox, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw error;
  });
  const setAside: SetAsideEntry[] = [];
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    const kind = await kindOf(entry, full);
    if (kind === null) continue;
    const name = path.relative(root, full).split(path.sep).join('/');
    // Named by its path inside the inbox: entries of the same name in two folders stay apart.
    const quarantined = inboxKeys.quarantined(dataset, path.relative(inbox, full).split(path.sep).join('-'));
    const reason = `${name} is ${kind}, not a regular file: courant reads only regular files from an inbox, so it was moved to ${quarantined} unread`;
    // The reason first: an entry never leaves the inbox without one, and a retried scan writes it again.
    await objects.put(`${quarantined}.reason.json`, `${JSON.stringify({ file: name, reason }, null, 2)}\n`, {
      contentType: 'application/json',
    });
    await makeDirectory(path.dirname(path.join(root, quarantined)));
    await rename(full, path.join(root, quarantined));
    setAside.push({ entry: name, quarantined, reason });
  }
  return setAside;
}
