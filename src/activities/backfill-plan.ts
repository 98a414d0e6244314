/** Backfill planning activities: which days a backfill must run, from the day records. */
import type { DatasetName } from '../workflow-safe/datasets.js';
import { datesInRange } from '../workflow-safe/partition.js';
import { planDays, stillToRun, type BackfillMode } from '../workflow-safe/backfill.js';
import type { RecordStore } from '../storage/records.js';
import type { ActivityDeps } from './deps.js';
import { dailyDatasetNames } from '../datasets/catalog.js';

export interface PlanBackfillInput {
  readonly from: string;
  readonly to: string;
  /** Absent: the datasets that run daily on the first day of the range. */
  readonly datasets?: readonly DatasetName[];
  readonly mode: BackfillMode;
}

export interface RecheckBackfillDaysInput {
  readonly dates: readonly string[];
  readonly datasets?: readonly DatasetName[];
  readonly mode: BackfillMode;
}

/** The days of a backfill plan (also used by `courant backfill --dry-run`). */
export async function planBackfillDays(
  records: RecordStore,
  input: PlanBackfillInput & { readonly datasets: readonly DatasetName[] },
): Promise<string[]> {
  const { datasets } = input;
  const runs = input.mode === 'all' ? [] : await records.listDayStatuses({ from: input.from, to: input.to, datasets });
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

  /**
   * Splits planned days into those still to run (still selected by the mode, or running elsewhere)
   * and those another run has finished since the plan. Read-only.
   */
  async function recheckBackfillDays(
    input: RecheckBackfillDaysInput,
  ): Promise<{ run: string[]; skipped: string[]; running?: string[] }> {
    const sorted = [...input.dates].sort();
    const from = sorted[0];
    const to = sorted.at(-1);
    if (from === undefined || to === undefined) return { run: [], skipped: [], running: [] };
    const datasets = input.datasets ?? dailyDatasetNames(deps.datasets, from);
    const runs = await deps.records.listDayStatuses({ from, to, datasets });
    return stillToRun(input.dates, datasets, runs, input.mode);
  }

  return { planBackfill, recheckBackfillDays };
}
