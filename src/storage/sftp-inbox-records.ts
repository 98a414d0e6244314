/**
 * The SFTP records of inbox files, found by key: the hand-over of a delivery between the pickup,
 * its batch and the scan reads them (docs/architecture.md, "Who has a delivery").
 */
import { inboxContentOf, inboxNameOf } from '../workflow-safe/keys.js';
import type { RecordStore, SftpFileRecord } from './records.js';

/**
 * The records of the pickup's files among `inboxKeys` (keys courant wrote: a content hash first),
 * those that exist. A record is keyed by the file's name on the server: the name an inbox key ends
 * with when that name was a storage key as it was, else the one the pickup noted for the inbox
 * name (`putSftpInboxName`): looked up second, for the keys the first read did not find.
 */
export async function sftpRecordsOfInbox(
  records: RecordStore,
  dataset: string,
  inboxKeys: Iterable<string>,
): Promise<SftpFileRecord[]> {
  const keys = new Set([...inboxKeys].filter((key) => inboxContentOf(key) !== null));
  if (keys.size === 0) return [];
  const ofKeys = (found: readonly SftpFileRecord[]) => found.filter((record) => keys.has(record.inboxKey));
  const direct = ofKeys(await records.getSftpFiles(dataset, [...keys].map(inboxNameOf)));
  const found = new Set(direct.map((record) => record.inboxKey));
  const missing = [...keys].filter((key) => !found.has(key));
  if (missing.length === 0) return direct;
  const servers = await records.getSftpServerNames(dataset, missing.map(inboxFileName));
  if (servers.size === 0) return direct;
  return [...direct, ...ofKeys(await records.getSftpFiles(dataset, [...new Set(servers.values())]))];
}

/** The last part of an inbox key, `{16 hex of the content's hash}-{cleaned name}`. */
export function inboxFileName(inboxKey: string): string {
  return inboxKey.split('/').at(-1) ?? '';
}
