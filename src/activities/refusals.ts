/**
 * Refusals retired: once a file is read whole and its days succeeded, an earlier refusal of a file
 * dropped under the same name (a delivery fetched while still being written, or sent with the wrong
 * key, then sent again) no longer stands. Its copy and reason move from `quarantine/{dataset}/inbox/`
 * to `quarantine/{dataset}/retired/`, the reason saying which file retired it: kept, but no longer
 * listed by `courant status` as a file to act on.
 */
import path from 'node:path';
import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store.js';
import { inboxKeys } from '../workflow-safe/keys.js';

const REASON_SUFFIX = '.reason.json';

const reasonSchema = z.object({ file: z.string(), droppedAs: z.string().optional() }).passthrough();

/** The name a refused file was dropped under, from its reason; null for a reason of another shape. */
function droppedName(text: string): { readonly name: string; readonly reason: Record<string, unknown> } | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = reasonSchema.safeParse(json);
  if (!parsed.success) return null;
  const name = parsed.data.droppedAs ?? path.posix.basename(parsed.data.file);
  return { name, reason: parsed.data };
}

/** A file read whole whose days succeeded: the name it was dropped under, and its inbox key. */
export interface ReadWhole {
  readonly fileName: string;
  readonly inboxKey: string;
}

/**
 * Retires the refusals of `dataset` whose file was dropped under the name of one of the files
 * `read` (the last of them of that name retires it); returns the quarantined keys retired. One
 * listing of the quarantine whatever the number of files. Idempotent: a refusal already retired
 * is not listed again.
 */
export async function retireRefusals(
  objects: ObjectStore,
  dataset: string,
  read: readonly ReadWhole[],
): Promise<Array<{ readonly refused: string; readonly retiredBy: string }>> {
  const byName = new Map(read.map((file) => [file.fileName, file.inboxKey]));
  const retired: Array<{ refused: string; retiredBy: string }> = [];
  for (const object of await objects.list(`quarantine/${dataset}/inbox`)) {
    if (!object.key.endsWith(REASON_SUFFIX)) continue;
    const refused = droppedName(new TextDecoder().decode(await objects.get(object.key)));
    const retiredBy = refused ? byName.get(refused.name) : undefined;
    if (!refused || retiredBy === undefined) continue;
    const key = object.key.slice(0, -REASON_SUFFIX.length);
    const aside = inboxKeys.retired(dataset, path.posix.basename(key));
    if (await objects.head(key)) {
      await objects.put(aside, await objects.get(key));
      await objects.delete(key);
    }
    const reason = { ...refused.reason, retiredBy, retiredAt: new Date().toISOString() };
    await objects.put(`${aside}${REASON_SUFFIX}`, `${JSON.stringify(reason, null, 2)}\n`, {
      contentType: 'application/json',
    });
    await objects.delete(object.key);
    retired.push({ refused: key, retiredBy });
  }
  return retired;
}
