/** The daily report's shape and its CSV form: one row per dataset and metric, long format. */
import { csvCell } from './csv-cell.js';
import type { DailySummary, ReportedDataset } from './daily-summary.js';

export interface DailyReport {
  readonly date: string;
  readonly timezone: string;
  /** What happened that day across datasets, in a few figures and one sentence. */
  readonly summary: DailySummary;
  readonly datasets: readonly ReportedDataset[];
}

/** A metric's value: a number stays one (a CSV number cell), anything else is text. */
type Pair = [string, number | string];

function flatten(value: unknown, prefix: string, out: Pair[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([
      prefix,
      value === null || value === undefined
        ? ''
        : typeof value === 'string' || typeof value === 'number'
          ? value
          : JSON.stringify(value),
    ]);
  }
}

/** The summary as `metric,value` pairs: counts, failed datasets, completeness, headline figures, the sentence. */
function summaryPairs(summary: DailySummary): Pair[] {
  const pairs: Pair[] = [];
  flatten({ datasets: summary.datasets }, '', pairs);
  pairs.push(['datasets.failedNames', summary.failed.join(' ')]);
  flatten({ completeness: summary.completeness }, '', pairs);
  for (const h of summary.headline) flatten(h.value, `${h.dataset}.${h.metric}`, pairs);
  pairs.push(['text', summary.text]);
  return pairs;
}

/**
 * `date,dataset,status,metric,value` rows: first the day's summary (dataset `summary`, status
 * succeeded | partial | failed), then per dataset its status, row counts, completeness, error,
 * failed quality checks (`check.{name}`) and every metric.
 */
export function dailyReportCsv(report: DailyReport): string {
  const lines = ['date,dataset,status,metric,value'];
  for (const [metric, value] of summaryPairs(report.summary)) {
    lines.push([report.date, 'summary', report.summary.status, metric, value].map(csvCell).join(','));
  }
  for (const d of report.datasets) {
    const pairs: Pair[] = [];
    flatten({ rows: d.rows, completeness: d.completeness, error: d.error }, '', pairs);
    for (const check of d.checks) {
      pairs.push([
        `check.${check.name}`,
        `${check.accepted ? 'accepted' : check.severity}: observed ${check.observed ?? 'nothing'}, expected ${check.threshold}`,
      ]);
    }
    if (d.metrics) flatten(d.metrics, 'metrics', pairs);
    for (const [metric, value] of pairs) {
      lines.push([report.date, d.dataset, d.status, metric, value].map(csvCell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
