/** Building `reports/index.html` from the day records and the period reports' records. */
import { reportKeys } from '../shared/keys.js';
import { MIN_PARTITION_DATE } from '../shared/partition.js';
import { monthOf, yearOf } from '../shared/periods.js';
import type { ReportDeps } from './deps.js';
import { reportIndexHtml, type IndexedPeriod } from './html/index-page.js';

/** Last day the index looks for: far enough for any record. */
const LAST_DAY = '9999-12-31';

type RunStatus = 'succeeded' | 'failed' | 'running';

/** A day's status across datasets: running if any runs, else failed if any failed, else succeeded. */
function combine(a: RunStatus | undefined, b: RunStatus): RunStatus {
  if (a === 'running' || b === 'running') return 'running';
  if (a === 'failed' || b === 'failed') return 'failed';
  return 'succeeded';
}

async function indexed(deps: ReportDeps, period: string): Promise<IndexedPeriod> {
  const summary = (await deps.records.getReport(period))?.summary;
  return { status: typeof summary?.status === 'string' ? summary.status : null };
}

/** Writes the index page; returns its key. */
export async function writeReportIndex(deps: ReportDeps): Promise<string> {
  const days = new Map<string, RunStatus>();
  const datasets = deps.datasets.all.map((d) => d.module.name);
  for (const run of await deps.records.listDayRuns({ from: MIN_PARTITION_DATE, to: LAST_DAY, datasets })) {
    days.set(run.date, combine(days.get(run.date), run.status));
  }
  const months = [...new Set([...days.keys()].map(monthOf))].sort();
  const years = [...new Set(months.map(yearOf))];
  const monthEntries = await Promise.all(months.map(async (m) => [m, await indexed(deps, m)] as const));
  const yearEntries = await Promise.all(years.map(async (y) => [y, await indexed(deps, y)] as const));
  const key = reportKeys.index();
  await deps.objects.put(key, reportIndexHtml({ days, months: new Map(monthEntries), years: new Map(yearEntries) }), {
    contentType: 'text/html; charset=utf-8',
  });
  return key;
}
