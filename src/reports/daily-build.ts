/**
 * Writing a day's report across datasets: `reports/dt={date}/daily_report.{json,csv,html}` and
 * its `reports` record. Idempotent: the same outcomes and data give the same bytes.
 */
import { storageKeys } from '../workflow-safe/keys.js';
import { PARTITION_TIMEZONE } from '../workflow-safe/partition.js';
import { dailyReportCsv, type DailyReport } from './daily-format.js';
import { reportedDatasets, type DayOutcome } from './daily-sections.js';
import { summariseDay } from './daily-summary.js';
import type { ReportDeps } from './deps.js';
import type { ReportRecord } from '../storage/records.js';
import { dailyReportHtml } from './html/daily.js';
import { costStage, costStageSync } from '../cost/ledger.js';

/** Writes the three files and the record; returns the keys, JSON first. */
export async function writeDailyReport(
  deps: ReportDeps,
  date: string,
  outcomes: readonly DayOutcome[],
): Promise<string[]> {
  const record = await storeDailyReport(deps, date, outcomes);
  await deps.records.upsertReport(record);
  return [...record.keys];
}

/** Writes the three files; returns the day's `reports` record, for the caller to write. */
export async function storeDailyReport(
  deps: ReportDeps,
  date: string,
  outcomes: readonly DayOutcome[],
): Promise<ReportRecord> {
  const datasets = await costStage('sections', () => reportedDatasets(deps, date, outcomes));
  const summary = summariseDay(datasets);
  const report: DailyReport = {
    date,
    timezone: PARTITION_TIMEZONE,
    summary,
    // Charts are drawn in the HTML; the JSON keeps the data they are drawn from out.
    datasets: datasets.map((d) => ({ ...d, section: d.section ? { ...d.section, charts: [] } : null })),
  };
  const keys = (['json', 'csv', 'html'] as const).map((ext) => storageKeys.dailyReport(date, ext));
  const [jsonKey = '', csvKey = '', htmlKey = ''] = keys;
  const json = costStageSync('render json', () => `${JSON.stringify(report, null, 2)}\n`);
  const csv = costStageSync('render csv', () => dailyReportCsv(report));
  const html = costStageSync('render html', () => dailyReportHtml({ date, summary, datasets }));
  await costStage('store', async () => {
    await deps.objects.put(jsonKey, json, { contentType: 'application/json' });
    await deps.objects.put(csvKey, csv, { contentType: 'text/csv' });
    await deps.objects.put(htmlKey, html, { contentType: 'text/html; charset=utf-8' });
  });
  return {
    period: date,
    summary: {
      status: summary.status,
      text: summary.text,
      datasets: datasets.map((d) => ({ dataset: d.dataset, status: d.status, completeness: d.completeness })),
    },
    keys,
  };
}
