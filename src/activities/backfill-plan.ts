/** Backfill planning activities: which days a backfill must run, from the day records. */
import type { DatasetName } from '../shared/datasets.js';
import { datesInRange } from '../shared/partition.js';
import { planDays, type BackfillMode } from '../shared/backfill.js';
import type { RecordStore } from '../storage/records.js';
import type { ActivityDeps } from './deps.js';
import { dailyDatasetNames } from '../datasets/catalog.js';

export interface PlanBackfillInput {
  readonly from: string;
  readonly to: string;
  /** Absent in backfills started before backfills listed their datasets: the daily ones. */
  readonly datasets?: readonly DatasetName[];
  readonly mode: BackfillMode;
}

/** The days of a backfill plan (also used by `courant backfill --dry-run`). */
export async function planBackfillDays(
  records: RecordStore,
  input: PlanBackfillInput & { readonly datasets: readonly DatasetName[] },
): Promise<string[]> {
  const { datasets } = input;
  const runs = input.mode === 'all' ? [] : await records.listDayRuns({ from: input.from, to: input.to, datasets });
  return planDays(datesInRange(input.from, input.to), datasets, runs, input.mode);
}

export function createBackfillPlanActivities(deps: ActivityDeps) {
  /** Reads the day records of the range and returns the days to run, in order. Read-only. */
  async function planBackfill(input: PlanBackfillInput): Promise<string[]> {
    return planBackfillDays(deps.records, {
      ...input,
      datasets: input.datasets ?? dailyDatasetNames(deps.datasets, input.from),
    });
  }
  return { planBackfill };
}
