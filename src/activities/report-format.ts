/** The daily report's shape and its CSV form: one row per dataset and metric, long format. */

export interface DailyReport {
  readonly date: string;
  readonly timezone: string;
  readonly datasets: ReadonlyArray<{
    readonly dataset: string;
    readonly status: 'succeeded' | 'failed';
    readonly rows: { readonly read: number; readonly written: number; readonly rejected: number } | null;
    readonly completeness: number | null;
    readonly error: string | null;
    readonly metrics: Record<string, unknown> | null;
  }>;
}

function flatten(value: unknown, prefix: string, out: Array<[string, string]>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([
      prefix,
      value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value),
    ]);
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** `date,dataset,status,metric,value` rows: status, row counts, completeness, error and every metric. */
export function dailyReportCsv(report: DailyReport): string {
  const lines = ['date,dataset,status,metric,value'];
  for (const d of report.datasets) {
    const pairs: Array<[string, string]> = [];
    flatten({ rows: d.rows, completeness: d.completeness, error: d.error }, '', pairs);
    if (d.metrics) flatten(d.metrics, 'metrics', pairs);
    for (const [metric, value] of pairs) {
      lines.push([report.date, d.dataset, d.status, metric, value].map(csvField).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
