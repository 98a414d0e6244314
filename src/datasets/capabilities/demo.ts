/** The `demo` capability: an offline stand-in for the dataset's source, what `courant demo` runs. */
import type { Slot } from '../../workflow-safe/slots.js';
import type { DatasetDefinition } from '../contract.js';

/** An offline stand-in for the dataset's source, serving real samples it ships: what `courant demo` runs. */
export interface DatasetDemo<TConfig> {
  /** The day run when none is asked for. */
  readonly defaultDate: string;
  /** The days the samples cover, in words (for `--help` and errors). */
  readonly days: string;
  covers(date: string): boolean;
  /** Starts the stand-in on loopback; returns the configuration that points the module at it. */
  start(config: TConfig): Promise<{ readonly config: TConfig; readonly source: string; close(): Promise<void> }>;
  /**
   * For a dataset of snapshots, which no run can collect for a past day: the snapshots of the day,
   * each with the slot (of `everyMinutes`) it stands for, as the collector would have taken them
   * from the stand-in (`config` is the one `start` returned). `courant demo` stores them before the day runs.
   */
  snapshots?(
    date: string,
    config: TConfig,
    everyMinutes: number,
  ): Promise<ReadonlyArray<{ readonly source: string; readonly slot: Slot; readonly body: Uint8Array }>>;
}

export interface DemoCapability<TConfig = unknown> extends DatasetDemo<TConfig> {
  readonly kind: 'demo';
  readonly dataset: string;
}

/** `courant demo` runs `dataset` offline against `demo`. */
export function offlineDemo<TConfig, TMetrics>(
  dataset: DatasetDefinition<TConfig, TMetrics>,
  demo: DatasetDemo<TConfig>,
): DemoCapability<TConfig> {
  return { ...demo, kind: 'demo', dataset: dataset.name };
}
