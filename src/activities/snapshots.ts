/**
 * Snapshot activities: the sources the collector takes in a slot, and taking one — fetched within
 * its slot and stored as `raw/{dataset}/dt={date}/{source}/{slot}.{ext}`, or left missing.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { SnapshotSource } from '../datasets/capabilities/snapshots.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { BadDataError, ErrorType } from '../workflow-safe/errors.js';
import { storageKeys } from '../workflow-safe/keys.js';
import type { SnapshotSlot, SnapshotTaken } from '../workflow-safe/snapshots.js';
import type { ObjectStore } from '../storage/object-store.js';
import { datasetOf } from './dataset-of.js';
import type { ActivityDeps } from './deps.js';
import { badDataFailure } from './failures.js';
import { fetchSource } from './http-source.js';
import { writeRawMeta } from './raw-meta.js';

export interface CollectedSource {
  readonly dataset: DatasetName;
  readonly source: string;
}

export interface TakeSnapshotInput extends CollectedSource {
  readonly slot: SnapshotSlot;
}

/** Where, when and in which slot a snapshot was taken; `seededBy` names what stored it when no collector did. */
export interface SnapshotFacts {
  readonly url: string;
  readonly takenAt: Date;
  readonly contentType: string | null | undefined;
  readonly slot: Pick<SnapshotSlot, 'name' | 'start' | 'end'>;
  readonly seededBy?: string;
}

/**
 * Stores a snapshot as `key` and then its `.meta.json` (url, fetchedAt, bytes, sha256,
 * contentType, slot): what the collector and `courant demo` write. Overwrites; callers check first.
 */
export async function storeSnapshot(
  objects: ObjectStore,
  key: string,
  body: Uint8Array,
  facts: SnapshotFacts,
): Promise<void> {
  const contentType = facts.contentType ?? 'application/octet-stream';
  await objects.put(key, body, { contentType });
  await writeRawMeta(objects, key, {
    url: facts.url,
    fetchedAt: facts.takenAt.toISOString(),
    bytes: body.byteLength,
    sha256: createHash('sha256').update(body).digest('hex'),
    contentType,
    slot: { name: facts.slot.name, start: facts.slot.start, end: facts.slot.end },
    ...(facts.seededBy === undefined ? {} : { seededBy: facts.seededBy }),
  });
}

export function createSnapshotActivities(deps: ActivityDeps) {
  /** The sources of the datasets collected under this configuration, in registry order. Reads nothing. */
  function collectedSources(): Promise<CollectedSource[]> {
    return Promise.resolve(
      deps.datasets
        .withCapability('snapshots')
        .flatMap(({ module, config, capability }) =>
          capability.collects(config)
            ? capability.sources.map((s) => ({ dataset: module.name, source: s.source }))
            : [],
        ),
    );
  }

  function sourceOf(input: CollectedSource): { source: SnapshotSource<unknown>; config: unknown } {
    const { config } = datasetOf(deps.datasets, input.dataset);
    const snapshots = deps.datasets.capability('snapshots', input.dataset);
    const source = snapshots?.sources.find((s) => s.source === input.source);
    if (!source)
      throw ApplicationFailure.create({
        type: ErrorType.UnknownDataset,
        nonRetryable: true,
        message: `${input.dataset} has no snapshot source "${input.source}"`,
      });
    return { source, config };
  }

  /**
   * Takes the source's snapshot of the slot: fetches it and, when the answer came before the slot
   * ended and passes the source's check, stores it with a `.meta.json` giving the slot and the
   * instant it was taken. Idempotent: a slot already stored is kept as it is, and a source taken
   * once a day is not taken again once the day has it. An answer after the slot's end is not
   * stored (`late`): nothing taken at another time stands for a slot. A refused body is kept under
   * `quarantine/` and fails as BadData; network faults and 5xx retry (within the slot).
   */
  async function takeSnapshot(input: TakeSnapshotInput): Promise<SnapshotTaken> {
    const { source, config } = sourceOf(input);
    const { slot } = input;
    const key = storageKeys.snapshot(input.dataset, slot.date, source.source, slot.name, source.extension);
    const log = Context.current().log;
    if (await deps.objects.head(storageKeys.rawMeta(key))) return { ...input, outcome: 'kept', key };
    if (source.every === 'day') {
      const folder = `${storageKeys.rawDay(input.dataset, slot.date)}/${source.source}`;
      const earlier = (await deps.objects.list(folder)).find(
        (o) => o.key.startsWith(`${folder}/`) && o.key.endsWith('.meta.json'),
      );
      if (earlier) return { ...input, outcome: 'kept', key: earlier.key.slice(0, -'.meta.json'.length) };
    }
    const url = source.url(config);
    const fetched = await fetchSource(url, deps.sourceTimeoutMs, Context.current().cancellationSignal, (code) =>
      deps.metrics?.sourceRequest(input.dataset, source.source, code),
    );
    const takenAt = new Date();
    if (takenAt.getTime() >= Date.parse(slot.end)) {
      log.warn('snapshot answered after its slot ended; not stored', { key, takenAt: takenAt.toISOString() });
      return { ...input, outcome: 'late', key };
    }
    try {
      source.check?.(fetched.body, url);
    } catch (error) {
      if (!(error instanceof BadDataError)) throw error;
      await deps.objects.put(
        storageKeys.refusedSnapshot(input.dataset, slot.date, source.source, slot.name),
        fetched.body,
      );
      throw badDataFailure(error);
    }
    await storeSnapshot(deps.objects, key, fetched.body, { url, takenAt, contentType: fetched.contentType, slot });
    log.info('snapshot taken', { key, bytes: fetched.body.byteLength });
    return { ...input, outcome: 'taken', key };
  }

  return { collectedSources, takeSnapshot };
}
