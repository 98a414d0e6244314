/**
 * The `.meta.json` beside every raw file (docs/architecture.md#storage-keys): where the bytes came from (`url` of a
 * download or an import, `file` of a claimed drop), when, their size and sha256.
 */
import { z } from 'zod';
import { storageKeys } from '../workflow-safe/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

const rawMetaSchema = z.looseObject({
  url: z.string().optional(),
  file: z.string().optional(),
  fetchedAt: z.string().optional(),
  claimedAt: z.string().optional(),
  bytes: z.number().int(),
  sha256: z.string().length(64),
  contentType: z.string().optional(),
  options: z.record(z.string(), z.string()).optional(),
  /** A claimed drop's bytes, when they are not beside the meta: stored once for every day the file covers. */
  content: z.string().optional(),
  /** A snapshot's slot: its name and bounds (ISO-8601). */
  slot: z.object({ name: z.string(), start: z.iso.datetime(), end: z.iso.datetime() }).optional(),
});

export type RawMeta = z.infer<typeof rawMetaSchema>;

/** The key holding the bytes of the raw file `rawKey` described by `meta`: its `content`, else the key itself. */
export function bytesKeyOf(rawKey: string, meta: RawMeta | null): string {
  return meta?.content ?? rawKey;
}

/** The meta of the raw file `rawKey`, or null when the file was never stored. */
export async function readRawMeta(objects: ObjectStore, rawKey: string): Promise<RawMeta | null> {
  const key = storageKeys.rawMeta(rawKey);
  if (!(await objects.head(key))) return null;
  return rawMetaSchema.parse(JSON.parse(Buffer.from(await objects.get(key)).toString('utf8')));
}

/** Writes the meta of `rawKey` (after the file itself, so that a meta always has its file). */
export async function writeRawMeta(objects: ObjectStore, rawKey: string, meta: RawMeta): Promise<void> {
  await objects.put(storageKeys.rawMeta(rawKey), `${JSON.stringify(meta, null, 2)}\n`, {
    contentType: 'application/json',
  });
}
