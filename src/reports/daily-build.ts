/**
 * Writing a day's report across datasets: `reports/dt={date}/daily_report.{json,csv,html}` and
 * its `reports` record. Idempotent: the same outcomes and data give the same bytes.
 */
import { dailyReportCsv, type DailyReport } from './daily-format.js';
import { storageKeys } from '../shared/keys.js';
import { PARTITION_TIMEZONE } from '../shared/partition.js';
import { summariseDay, type ReportedDataset } from './daily-summary.js';
import { readEco2mixDay } from './day-series.js';
import type { ReportDeps } from './deps.js';
import { dailyReportHtml } from './html/daily.js';

export interface DailyReportData {
  readonly date: string;
  readonly datasets: readonly ReportedDataset[];
  /** The eCO2mix Parquet partition of the day, when eCO2mix succeeded: the charts read it. */
  readonly eco2mixProcessedKey: string | null;
}

/** Writes the three files and the record; returns the keys, JSON first. */
export async function writeDailyReport(deps: ReportDeps, data: DailyReportData): Promise<string[]> {
  const { date, datasets } = data;
  const summary = summariseDay(datasets);
  const report: DailyReport = { date, timezone: PARTITION_TIMEZONE, summary, datasets };
  const eco2mix = data.eco2mixProcessedKey ? await readEco2mixDay(deps, data.eco2mixProcessedKey) : null;
  const keys = (['json', 'csv', 'html'] as const).map((ext) => storageKeys.dailyReport(date, ext));
  const [jsonKey = '', csvKey = '', htmlKey = ''] = keys;
  await deps.objects.put(jsonKey, `${JSON.stringify(report, null, 2)}\n`, { contentType: 'application/json' });
  await deps.objects.put(csvKey, dailyReportCsv(report), { contentType: 'text/csv' });
  await deps.objects.put(htmlKey, dailyReportHtml({ date, summary, datasets, eco2mix }), {
    contentType: 'text/html; charset=utf-8',
  });
  await deps.records.upsertReport({
    period: date,
    summary: {
      status: summary.status,
      text: summary.text,
      datasets: datasets.map((d) => ({ dataset: d.dataset, status: d.status, completeness: d.completeness })),
    },
    keys,
  });
  return keys;
}
