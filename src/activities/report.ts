/** Report activities: the day's report across datasets (docs/reports.md), with every dataset's section. */
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { DatasetDayOutput } from '../workflow-safe/pipeline.js';
import { writeDailyReport } from '../reports/daily-build.js';
import type { DayOutcome } from '../reports/daily-sections.js';
import type { ActivityDeps } from './deps.js';

export interface DatasetOutcome {
  readonly dataset: DatasetName;
  readonly status: 'succeeded' | 'failed';
  readonly output?: DatasetDayOutput;
  readonly error?: string;
}

export interface BuildDailyReportInput {
  readonly date: string;
  readonly outcomes: readonly DatasetOutcome[];
}

/** What the report says of a dataset's day, from what its run gave. */
export function dayOutcomeOf(outcome: DatasetOutcome): DayOutcome {
  return {
    dataset: outcome.dataset,
    status: outcome.status,
    rows: outcome.output?.rows ?? null,
    completeness: outcome.output?.completeness ?? null,
    error: outcome.error ?? null,
    processedKeys: outcome.output?.processedKeys ?? [],
    ...(outcome.output?.failedChecks ? { failedChecks: outcome.output.failedChecks } : {}),
  };
}

export function createReportActivities(deps: ActivityDeps) {
  /**
   * Writes `reports/dt={date}/daily_report.{json,csv,html}` from the datasets' outcomes and
   * metrics records (the summary across datasets first, then each dataset's section from its
   * module, over the day's Parquet), and upserts the `reports` record. Idempotent: the same day
   * gives the same bytes.
   */
  async function buildDailyReport(input: BuildDailyReportInput): Promise<string[]> {
    return writeDailyReport(deps, input.date, input.outcomes.map(dayOutcomeOf));
  }

  return { buildDailyReport };
}
