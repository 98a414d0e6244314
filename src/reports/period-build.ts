/**
 * Building a monthly or annual report: for every dataset with days in the period, the days'
 * status from the day records, their Parquet tables (read where a local store keeps them, else
 * copied to scratch space) handed to the dataset's module for its period section; then the JSON, CSV and HTML written and the `reports`
 * record upserted. Idempotent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ConfiguredDataset } from '../datasets/modules.js';
import type { PeriodReportContext } from '../datasets/report-contract.js';
import type { PeriodSection } from '../datasets/report-views.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { reportKeys, storageKeys } from '../workflow-safe/keys.js';
import { datesInRange, previousDate } from '../workflow-safe/partition.js';
import { datesOfMonth, datesOfYear } from '../workflow-safe/periods.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { DayRun } from '../storage/records.js';
import { readableFile } from '../storage/readable-file.js';
import type { ReportDeps } from './deps.js';
import { costStage } from '../cost/ledger.js';
import { periodReportHtml } from './html/period.js';
import { unreadableTable, type TableOrigin } from './unreadable-table.js';
import {
  buildPeriodReport,
  datasetPeriod,
  periodReportCsv,
  periodReportSummary,
  type DatasetPeriod,
  type DayStatus,
  type PeriodReport,
} from './period-report.js';

/** Days copied at once: enough to hide object-store latency, few enough for a small worker. */
const COPIES_IN_FLIGHT = 8;

type PeriodDays = PeriodReportContext<unknown>['days'];

/**
 * A day's status in a period: a day failed by a quality check is `blocked`; a cancelled one has no
 * outputs and is still to run, so `missing`.
 */
function dayStatusOf(run: DayRun): DayStatus {
  if (run.status === 'cancelled') return 'missing';
  return run.status === 'failed' && run.error?.type === ErrorType.DataQuality ? 'blocked' : run.status;
}

/**
 * The tables of the succeeded days, read in place or copied, each local path noted in `origins`; a
 * day whose tables are gone counts as missing.
 */
async function fetchDays(
  deps: ReportDeps,
  dataset: ConfiguredDataset,
  runs: readonly DayRun[],
  status: Map<string, DayStatus>,
  dir: string,
  origins: Map<string, TableOrigin>,
): Promise<PeriodDays> {
  const wanted = dataset.module.report.tables;
  const succeeded = runs.filter((run) => run.status === 'succeeded');
  const days: Array<PeriodDays[number]> = [];
  for (let i = 0; i < succeeded.length; i += COPIES_IN_FLIGHT) {
    const copied = await Promise.all(
      succeeded.slice(i, i + COPIES_IN_FLIGHT).map(async (run) => {
        const keys = run.outputs
          .filter((key) => key.startsWith('processed/'))
          .filter((key) => !wanted || wanted.includes(path.posix.basename(key, '.parquet')));
        const tables: Record<string, string> = {};
        try {
          for (const key of keys) {
            const local = (await readableFile(deps.objects, key, path.join(dir, run.date))).path;
            tables[path.posix.basename(key, '.parquet')] = local;
            origins.set(local, { dataset: dataset.module.name, date: run.date, key });
          }
          return { date: run.date, tables };
        } catch (error) {
          if (!(error instanceof ObjectNotFoundError)) throw error;
          status.set(run.date, 'missing');
          return null;
        }
      }),
    );
    days.push(...copied.filter((d) => d !== null));
  }
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

/** For a dataset with the `energies` capability, its table on the days before the period that they need, those stored. */
async function fetchBefore(
  deps: ReportDeps,
  dataset: ConfiguredDataset,
  kind: 'month' | 'year',
  period: string,
  dir: string,
  origins: Map<string, TableOrigin>,
): Promise<string[]> {
  const energies = deps.datasets.capability('energies', dataset.module.name);
  const first = (kind === 'month' ? datesOfMonth(period) : datesOfYear(period))[0];
  if (!energies || first === undefined || energies.firstDay(first) >= first) return [];
  const dates = datesInRange(energies.firstDay(first), previousDate(first));
  const copies: string[] = [];
  for (const date of dates) {
    const folder = path.join(dir, 'before', date);
    for (const table of [energies.table, ...(energies.alongside ?? [])]) {
      try {
        const key = storageKeys.processed(dataset.module.name, date, table);
        const { path: local } = await readableFile(deps.objects, key, folder);
        origins.set(local, { dataset: dataset.module.name, date, key });
        if (table === energies.table) copies.push(local);
      } catch (error) {
        if (!(error instanceof ObjectNotFoundError)) throw error;
      }
    }
  }
  return copies;
}

async function periodOf(
  deps: ReportDeps,
  dataset: ConfiguredDataset,
  kind: 'month' | 'year',
  period: string,
  runs: readonly DayRun[],
): Promise<{ readonly part: DatasetPeriod; readonly section: PeriodSection }> {
  const status = new Map<string, DayStatus>(runs.map((run) => [run.date, dayStatusOf(run)]));
  const scratch = await mkdtemp(path.join(deps.scratchDir, `report-${kind}-`));
  const connection = await deps.duckdb.connect();
  try {
    const origins = new Map<string, TableOrigin>();
    const days = await costStage('day tables', () => fetchDays(deps, dataset, runs, status, scratch, origins));
    const before = await costStage('day tables before', () =>
      fetchBefore(deps, dataset, kind, period, scratch, origins),
    );
    const section = await costStage(`${dataset.module.name} section`, () =>
      dataset.module.report
        .period({ kind, period, config: dataset.config, db: connection, days, before })
        .catch((error: unknown) => {
          throw unreadableTable(error, origins) ?? error;
        }),
    );
    const part = datasetPeriod(
      kind,
      period,
      { name: dataset.module.name, title: dataset.module.title },
      status,
      section,
    );
    return { part, section };
  } finally {
    connection.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The report's JSON, CSV and HTML at `keys` (in that order). */
async function storeFiles(
  deps: ReportDeps,
  keys: readonly string[],
  report: PeriodReport,
  sections: readonly PeriodSection[],
  absentTitles: readonly string[],
): Promise<void> {
  const [jsonKey = '', csvKey = '', htmlKey = ''] = keys;
  await deps.objects.put(jsonKey, `${JSON.stringify(report, null, 2)}\n`, { contentType: 'application/json' });
  await deps.objects.put(csvKey, periodReportCsv(report), { contentType: 'text/csv' });
  await deps.objects.put(htmlKey, periodReportHtml(report, sections, absentTitles), {
    contentType: 'text/html; charset=utf-8',
  });
}

/** Builds and writes the report of a month (`YYYY-MM`) or a year (`YYYY`); returns its keys, JSON first. */
export async function writePeriodReport(
  deps: ReportDeps,
  kind: 'month' | 'year',
  period: string,
): Promise<{ keys: string[]; report: PeriodReport }> {
  const dates = kind === 'month' ? datesOfMonth(period) : datesOfYear(period);
  const runs = await costStage('day records', () =>
    deps.records.listDayRuns({
      from: dates[0] ?? '',
      to: dates[dates.length - 1] ?? '',
      datasets: deps.datasets.all.map((d) => d.module.name),
    }),
  );
  const parts: Array<{ readonly part: DatasetPeriod; readonly section: PeriodSection }> = [];
  for (const dataset of deps.datasets.all) {
    const own = runs.filter((run) => run.dataset === dataset.module.name);
    if (own.length > 0) parts.push(await periodOf(deps, dataset, kind, period, own));
  }
  const report = buildPeriodReport(
    kind,
    period,
    parts.map((p) => p.part),
  );
  const key = (ext: 'json' | 'csv' | 'html') =>
    kind === 'month' ? reportKeys.monthly(period, ext) : reportKeys.annual(period, ext);
  const keys = [key('json'), key('csv'), key('html')];
  const absent = deps.datasets.all.filter((d) => !parts.some((p) => p.part.dataset === d.module.name));
  await costStage('render and store', () =>
    storeFiles(
      deps,
      keys,
      report,
      parts.map((p) => p.section),
      absent.map((d) => d.module.title),
    ),
  );
  await deps.records.upsertReport({ period, summary: periodReportSummary(report), keys });
  return { keys, report };
}
