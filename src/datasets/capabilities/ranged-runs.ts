/**
 * The `ranged-runs` capability: a backfill may run many consecutive days of the dataset in one
 * run (`range/{dataset}/{from}..{to}`), its module's transform and metrics over the whole range,
 * each day's outputs byte for byte those of its own run. Only for a dataset whose day's inputs are
 * computed from the date alone (downloads fetched after the day), so a range plans all its days at once.
 */
import type { DatasetDefinition } from '../contract.js';

export interface RangedRunsCapability {
  readonly kind: 'ranged-runs';
  readonly dataset: string;
}

/** A backfill runs the days of `dataset` in ranges. */
export function rangedRuns<TConfig, TMetrics>(dataset: DatasetDefinition<TConfig, TMetrics>): RangedRunsCapability {
  return { kind: 'ranged-runs', dataset: dataset.name };
}
