/**
 * The snapshots of a demo day, stored before it runs: a collector can take a snapshot only during
 * its slot, so a past day of a snapshot dataset exists only if something stored it. The demo's
 * snapshots are stored as the collector stores them (same keys, same `.meta.json` with the slot),
 * their `url` the stand-in's and `seededBy` saying the demo stored them; a slot already stored is kept.
 */
import { storeSnapshot } from '../activities/snapshots.js';
import { storageKeys } from '../workflow-safe/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { DemoModule } from './demo-datasets.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = { json: 'application/json', csv: 'text/csv; charset=utf-8' };

/** When the demo says a snapshot was taken: 30 s into its slot (a slot lasts at least a minute). */
const TAKEN_AFTER_MS = 30_000;

/** Stores the day's snapshots of each module whose demo has them; returns how many were stored. */
export async function seedDemoSnapshots(
  objects: ObjectStore,
  modules: ReadonlyArray<{ readonly module: DemoModule; readonly config: unknown }>,
  date: string,
  everyMinutes: number,
): Promise<number> {
  let stored = 0;
  for (const { module: demoed, config } of modules) {
    for (const { source, slot, body } of (await demoed.demo.snapshots?.(date, config, everyMinutes)) ?? []) {
      const declared = demoed.snapshots?.sources.find((s) => s.source === source);
      if (!declared) throw new Error(`the ${demoed.name} demo gave a snapshot of an unknown source "${source}"`);
      const key = storageKeys.snapshot(demoed.name, date, source, slot.name, declared.extension);
      if (await objects.head(storageKeys.rawMeta(key))) continue;
      await storeSnapshot(objects, key, body, {
        url: declared.url(config),
        takenAt: new Date(slot.start.getTime() + TAKEN_AFTER_MS),
        contentType: CONTENT_TYPES[declared.extension],
        slot: { name: slot.name, start: slot.start.toISOString(), end: slot.end.toISOString() },
        seededBy: 'courant demo',
      });
      stored += 1;
    }
  }
  return stored;
}
