/** Report activities: the day's report across datasets (DESIGN §3), with its charts. */
import type { DatasetName } from '../shared/datasets.js';
import type { DatasetDayOutput } from '../shared/pipeline.js';
import { writeDailyReport } from '../reports/daily-build.js';
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

export function createReportActivities(deps: ActivityDeps) {
  /**
   * Writes `reports/dt={date}/daily_report.{json,csv,html}` from the datasets' outcomes and
   * metrics records (the summary across datasets first, the charts from the day's Parquet), and
   * upserts the `reports` record. Idempotent: the same day gives the same bytes.
   */
  async function buildDailyReport(input: BuildDailyReportInput): Promise<string[]> {
    const datasets = await Promise.all(
      input.outcomes.map(async (outcome) => ({
        dataset: outcome.dataset,
        status: outcome.status,
        rows: outcome.output?.rows ?? null,
        completeness: outcome.output?.completeness ?? null,
        error: outcome.error ?? null,
        metrics:
          outcome.status === 'succeeded'
            ? ((await deps.records.getMetrics(outcome.dataset, input.date))?.metrics ?? null)
            : null,
      })),
    );
    const eco2mix = input.outcomes.find((o) => o.dataset === 'eco2mix' && o.status === 'succeeded');
    return writeDailyReport(deps, {
      date: input.date,
      datasets,
      eco2mixProcessedKey: eco2mix?.output?.processedKeys[0] ?? null,
    });
  }

  return { buildDailyReport };
}
