/** Rebuilding a daily report after the fact (`courant report --date`), from the day records alone. */
import { ECO2MIX_TABLE } from '../datasets/eco2mix/record.js';
import { storageKeys } from '../shared/keys.js';
import type { DayRun } from '../storage/records.js';
import type { ReportedDataset } from './daily-summary.js';
import type { ReportDeps } from './deps.js';
import { writeDailyReport } from './daily-build.js';

/** The report cannot be built now: nothing ran that day, or a dataset is still running. */
export class ReportUnavailableError extends Error {
  override readonly name = 'ReportUnavailableError';
}

function processedKeyOf(run: DayRun): string | null {
  return run.outputs.find((key) => key.startsWith('processed/')) ?? null;
}

/** Rewrites `reports/dt={date}/daily_report.*` from the day records and metrics. */
export async function rebuildDailyReport(deps: ReportDeps, date: string): Promise<string[]> {
  const runs = await deps.records.listDayRuns({ from: date, to: date });
  if (runs.length === 0) throw new ReportUnavailableError(`no dataset has run on ${date}: run the day first`);
  const running = runs.filter((run) => run.status === 'running');
  if (running.length > 0) {
    throw new ReportUnavailableError(
      `${running.map((r) => r.dataset).join(', ')} of ${date} is still running; its report is written when it ends`,
    );
  }
  const datasets = await Promise.all(
    runs.map(async (run): Promise<ReportedDataset> => {
      const metrics = run.status === 'succeeded' ? await deps.records.getMetrics(run.dataset, date) : null;
      const completeness = metrics?.metrics.completeness;
      return {
        dataset: run.dataset,
        status: run.status === 'succeeded' ? 'succeeded' : 'failed',
        rows: run.rows,
        completeness: typeof completeness === 'number' ? completeness : null,
        error: run.error?.message ?? null,
        metrics: metrics?.metrics ?? null,
      };
    }),
  );
  const eco2mix = runs.find((run) => run.dataset === 'eco2mix' && run.status === 'succeeded');
  return writeDailyReport(deps, {
    date,
    datasets,
    eco2mixProcessedKey: eco2mix
      ? (processedKeyOf(eco2mix) ?? storageKeys.processed('eco2mix', date, ECO2MIX_TABLE))
      : null,
  });
}
