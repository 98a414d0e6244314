/** The `snapshots` capability: sources the snapshot collector takes during the day. */
import type { DatasetDefinition } from '../contract.js';

/**
 * A source the snapshot collector takes during the day (`collectSnapshots`, on its schedule every
 * SNAPSHOT_EVERY_MINUTES), stored as `raw/{dataset}/dt={date}/{source}/{slot}.{extension}` —
 * the Paris day and slot it was taken in. A slot not taken within its own minutes stays missing:
 * nothing taken at another time ever stands in for it.
 */
export interface SnapshotSource<TConfig> {
  readonly source: string;
  readonly extension: string;
  /** `slot`: taken in every slot; `day`: once a day, in the first slot of the Paris day that has none yet. */
  readonly every: 'slot' | 'day';
  url(config: TConfig): string;
  /** Refuses a body that is not a snapshot of the source (BadDataError): it is quarantined and the slot missed. */
  check?(body: Uint8Array, file: string): void;
}

/** What a dataset has the collector take during the day. */
export interface DatasetSnapshots<TConfig> {
  /** Whether the collector takes the sources under this configuration. */
  collects(config: TConfig): boolean;
  readonly sources: readonly SnapshotSource<TConfig>[];
}

export interface SnapshotsCapability<TConfig = unknown> extends DatasetSnapshots<TConfig> {
  readonly kind: 'snapshots';
  readonly dataset: string;
}

/** The collector takes `sources` for `dataset` when `collects` says so under its configuration. */
export function collectSnapshots<TConfig, TMetrics>(
  dataset: DatasetDefinition<TConfig, TMetrics>,
  snapshots: DatasetSnapshots<TConfig>,
): SnapshotsCapability<TConfig> {
  return { ...snapshots, kind: 'snapshots', dataset: dataset.name };
}
