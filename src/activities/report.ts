/** Report activities: the day's report across datasets (DESIGN §3). */
import type { DatasetName } from '../shared/datasets.js';
import { storageKeys } from '../shared/keys.js';
import { PARTITION_TIMEZONE } from '../shared/partition.js';
import type { DatasetDayOutput } from '../shared/pipeline.js';
import type { ActivityDeps } from './deps.js';
import { dailyReportCsv, type DailyReport } from './report-format.js';

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
   * Writes `reports/dt={date}/daily_report.{json,csv}` from the datasets' outcomes and metrics
   * records, and upserts the `reports` record. Idempotent: the same day gives the same bytes.
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
    const report: DailyReport = { date: input.date, timezone: PARTITION_TIMEZONE, datasets };
    const jsonKey = storageKeys.dailyReport(input.date, 'json');
    const csvKey = storageKeys.dailyReport(input.date, 'csv');
    await deps.objects.put(jsonKey, `${JSON.stringify(report, null, 2)}\n`, { contentType: 'application/json' });
    await deps.objects.put(csvKey, dailyReportCsv(report), { contentType: 'text/csv' });
    const keys = [jsonKey, csvKey];
    await deps.records.upsertReport({
      period: input.date,
      summary: {
        datasets: datasets.map((d) => ({ dataset: d.dataset, status: d.status, completeness: d.completeness })),
      },
      keys,
    });
    return keys;
  }

  return { buildDailyReport };
}
