/** Backfill planning activities: which days a backfill must run, from the day records. */
import { DATASETS, type DatasetName } from '../shared/datasets.js';
import { datesInRange } from '../shared/partition.js';
import { planDays, type BackfillMode } from '../shared/backfill.js';
import type { RecordStore } from '../storage/records.js';

export interface PlanBackfillInput {
  readonly from: string;
  readonly to: string;
  readonly datasets?: readonly DatasetName[];
  readonly mode: BackfillMode;
}

/** The days of a backfill plan (also used by `courant backfill --dry-run`). */
export async function planBackfillDays(records: RecordStore, input: PlanBackfillInput): Promise<string[]> {
  const datasets = input.datasets ?? DATASETS;
  const runs = input.mode === 'all' ? [] : await records.listDayRuns({ from: input.from, to: input.to, datasets });
  return planDays(datesInRange(input.from, input.to), datasets, runs, input.mode);
}

export function createBackfillPlanActivities(records: RecordStore) {
  /** Reads the day records of the range and returns the days to run, in order. Read-only. */
  async function planBackfill(input: PlanBackfillInput): Promise<string[]> {
    return planBackfillDays(records, input);
  }
  return { planBackfill };
}
