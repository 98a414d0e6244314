/** What the snapshot collector takes and reports, as workflows and activities exchange it. Pure. */
import type { DatasetName } from './datasets.js';

/** A slot (see `slots.ts`) with its bounds as ISO-8601 instants. */
export interface SnapshotSlot {
  readonly date: string;
  readonly name: string;
  readonly start: string;
  readonly end: string;
}

/**
 * `taken`: fetched and stored now; `kept`: the slot (or, for a source taken once a day, the day)
 * was already stored; `late`: the answer came after the slot ended and was not stored.
 */
export type SnapshotOutcome = 'taken' | 'kept' | 'late';

export interface SnapshotTaken {
  readonly dataset: DatasetName;
  readonly source: string;
  readonly slot: SnapshotSlot;
  readonly outcome: SnapshotOutcome;
  /** The raw file's key (the one it would have had, when late). */
  readonly key: string;
}

export interface CollectSnapshotsInput {
  /** The slot length in minutes (SNAPSHOT_EVERY_MINUTES, a divisor of 60). */
  readonly everyMinutes: number;
  /**
   * A slot shorter than a minute, in seconds (a divisor of 60), in place of `everyMinutes`. No
   * configuration sets it: tests pace the collector with it to watch it over seconds.
   */
  readonly everySeconds?: number;
  /** Pins the slot to the one holding this instant (ISO-8601); else the schedule's nominal time. */
  readonly at?: string;
}

export interface CollectSnapshotsOutput {
  readonly slot: SnapshotSlot;
  /** Every source's outcome (a run with a source missing fails instead, naming it). */
  readonly taken: readonly SnapshotTaken[];
}
