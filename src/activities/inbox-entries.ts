/**
 * Inbox entries that are neither regular files nor folders — symbolic links, sockets, FIFOs,
 * devices — are never read (a link may lead anywhere, a FIFO would block the reader). Rather than
 * being passed over silently at every scan, each is moved (itself, never what it points to) to
 * `quarantine/{dataset}/inbox/{name}` with `{name}.reason.json` saying what it was, and logged
 * once. Only a local store holds such entries: object stores hold regular objects only.
 */
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readlink, rename } from 'node:fs/promises';
import { makeDirectory } from '../faults/make-directory.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inboxKeys } from '../workflow-safe/keys.js';
import { isNotFound } from '../storage/atomic-file.js';
import { assertSafeKey, type ObjectStore } from '../storage/object-store.js';

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

/** The entries of `inbox/{dataset}/` at any depth on a local store, with its root; null on another store. */
async function localInbox(
  objects: ObjectStore,
  dataset: string,
): Promise<{ root: string; inbox: string; entries: Dirent[] } | null> {
  if (!objects.location.startsWith('file:')) return null;
  const root = fileURLToPath(objects.location);
  const inbox = path.join(root, inboxKeys.folder(dataset));
  const entries = await readdir(inbox, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw error;
  });
  return { root, inbox, entries };
}

/**
 * Moves the entries of `inbox/{dataset}/` (at any depth) that are not regular files or folders to
 * the quarantine, each with its reason; returns them. Nothing when the store is not local.
 */
export async function quarantineOddEntries(objects: ObjectStore, dataset: string): Promise<SetAsideEntry[]> {
  const local = await localInbox(objects, dataset);
  if (!local) return [];
  const { root, inbox, entries } = local;
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

/** A dropped file renamed to a key the storage layout can hold, with the name it arrived under. */
export interface RenamedEntry {
  readonly key: string;
  readonly name: string;
}

/** Whether a storage key can hold `key` as it is. */
export function isStorageKey(key: string): boolean {
  try {
    assertSafeKey(key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Renames each regular file of `inbox/{dataset}/` whose name no storage key can hold (a space, an
 * accent, a control character…) to one that can, as `courant ingest --file` names what it stores:
 * `inbox/{dataset}/{sha256 prefix}-{cleaned name}` (the hash of its path in the inbox, so two names
 * never meet). Returns each with its original name, which its ingestion keeps in its options, its
 * records and any reason. Nothing when the store is not local.
 */
export async function renameUnsafeEntries(objects: ObjectStore, dataset: string): Promise<RenamedEntry[]> {
  const local = await localInbox(objects, dataset);
  if (!local) return [];
  const { root, inbox, entries } = local;
  const renamed: RenamedEntry[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (isStorageKey(path.relative(root, full).split(path.sep).join('/'))) continue;
    const name = path.relative(inbox, full).split(path.sep).join('/');
    const key = inboxKeys.file(dataset, createHash('sha256').update(name).digest('hex'), entry.name);
    await rename(full, path.join(root, key));
    renamed.push({ key, name });
  }
  return renamed;
}
