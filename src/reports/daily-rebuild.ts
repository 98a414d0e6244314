/** Rebuilding a daily report after the fact (`courant report --date`), from the day records alone. */
import type { DayRun } from '../storage/records.js';
import type { DayOutcome } from './daily-sections.js';
import type { ReportDeps } from './deps.js';
import { writeDailyReport } from './daily-build.js';

/** The report cannot be built now: nothing ran that day, or a dataset is still running. */
export class ReportUnavailableError extends Error {
  override readonly name = 'ReportUnavailableError';
}

function outcomeOf(run: DayRun, completeness: unknown): DayOutcome {
  const succeeded = run.status === 'succeeded';
  return {
    dataset: run.dataset,
    status: succeeded ? 'succeeded' : 'failed',
    rows: run.rows,
    completeness: typeof completeness === 'number' ? completeness : null,
    error: run.error?.message ?? null,
    processedKeys: succeeded ? run.outputs.filter((key) => key.startsWith('processed/')) : [],
    failedChecks: (run.checks ?? []).filter((check) => !check.passed),
  };
}

/** Rewrites `reports/dt={date}/daily_report.*` from the day records and metrics. */
export async function rebuildDailyReport(deps: ReportDeps, date: string): Promise<string[]> {
  const known = new Set(deps.datasets.all.map((d) => d.module.name));
  const runs = (await deps.records.listDayRuns({ from: date, to: date })).filter((run) => known.has(run.dataset));
  if (runs.length === 0) throw new ReportUnavailableError(`no dataset has run on ${date}: run the day first`);
  const running = runs.filter((run) => run.status === 'running');
  if (running.length > 0) {
    throw new ReportUnavailableError(
      `${running.map((r) => r.dataset).join(', ')} of ${date} is still running; its report is written when it ends`,
    );
  }
  const outcomes = await Promise.all(
    runs.map(async (run) => outcomeOf(run, (await deps.records.getMetrics(run.dataset, date))?.metrics.completeness)),
  );
  return writeDailyReport(deps, date, outcomes);
}
