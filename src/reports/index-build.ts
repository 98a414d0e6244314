/**
 * Building `reports/index.html` from the day records' statuses and the period reports' records, with the
 * freshness of each dataset that declares when its days are due.
 */
import { reportKeys } from '../workflow-safe/keys.js';
import { MIN_PARTITION_DATE } from '../workflow-safe/partition.js';
import { monthOf, yearOf } from '../workflow-safe/periods.js';
import type { ReportDeps } from './deps.js';
import { dueAt, latestDueDay } from '../workflow-safe/freshness.js';
import type { DayStatus } from '../workflow-safe/backfill.js';
import { reportIndexHtml, type DatasetFreshness, type IndexedPeriod } from './html/index-page.js';

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

/** For each dataset with a due time: its newest succeeded day against the newest day due by `now`. */
function freshnessOf(deps: ReportDeps, runs: readonly DayStatus[], now: Date): DatasetFreshness[] {
  return deps.datasets.all.flatMap(({ module }) => {
    const hours = deps.datasets.dueHours(module.name);
    if (hours === null) return [];
    const newest = runs
      .filter((run) => run.dataset === module.name && run.status === 'succeeded')
      .reduce<string | null>((max, run) => (max === null || run.date > max ? run.date : max), null);
    const due = latestDueDay(hours, now);
    return [{ title: module.title, newestSucceeded: newest, latestDue: due, dueAt: dueAt(due, hours) }];
  });
}

/** Writes the index page; returns its key. */
export async function writeReportIndex(deps: ReportDeps, now: Date = new Date()): Promise<string> {
  const days = new Map<string, RunStatus>();
  const datasets = deps.datasets.all.map((d) => d.module.name);
  const runs = await deps.records.listDayStatuses({ from: MIN_PARTITION_DATE, to: LAST_DAY, datasets });
  // A cancelled run left nothing and is still to run: the day shows as if it had no record.
  for (const run of runs) if (run.status !== 'cancelled') days.set(run.date, combine(days.get(run.date), run.status));
  const months = [...new Set([...days.keys()].map(monthOf))].sort();
  const years = [...new Set(months.map(yearOf))];
  const monthEntries = await Promise.all(months.map(async (m) => [m, await indexed(deps, m)] as const));
  const yearEntries = await Promise.all(years.map(async (y) => [y, await indexed(deps, y)] as const));
  const key = reportKeys.index();
  await deps.objects.put(
    key,
    reportIndexHtml({
      days,
      months: new Map(monthEntries),
      years: new Map(yearEntries),
      freshness: freshnessOf(deps, runs, now),
    }),
    {
      contentType: 'text/html; charset=utf-8',
    },
  );
  return key;
}
