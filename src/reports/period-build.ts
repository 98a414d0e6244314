/**
 * Building a monthly or annual eCO2mix report: the days' status from the day records, their
 * Parquet partitions copied to scratch space and rolled up by DuckDB, then the JSON, CSV and HTML
 * written and the `reports` record upserted. Idempotent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { ECO2MIX_TABLE } from '../datasets/eco2mix/record.js';
import { reportKeys, storageKeys } from '../shared/keys.js';
import { parisDayBounds } from '../shared/partition.js';
import { datesOfMonth, datesOfYear } from '../shared/periods.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { ReportDeps } from './deps.js';
import { periodReportHtml } from './html/period.js';
import {
  buildPeriodReport,
  periodReportCsv,
  periodReportSummary,
  type DayStatus,
  type PeriodReport,
} from './period-report.js';
import { periodFigures, type DayPartition } from '../datasets/eco2mix/figures-sql.js';

/** Partitions copied at once: enough to hide object-store latency, few enough for a small worker. */
const COPIES_IN_FLIGHT = 8;

/** Copies the partitions of the succeeded days; a day whose partition is gone counts as missing. */
async function fetchPartitions(
  deps: ReportDeps,
  dates: readonly string[],
  status: Map<string, DayStatus>,
  dir: string,
): Promise<DayPartition[]> {
  const wanted = dates.filter((date) => status.get(date) === 'succeeded');
  const partitions: DayPartition[] = [];
  for (let i = 0; i < wanted.length; i += COPIES_IN_FLIGHT) {
    const copied = await Promise.all(
      wanted.slice(i, i + COPIES_IN_FLIGHT).map(async (date): Promise<DayPartition | null> => {
        const local = path.join(dir, `${date}.parquet`);
        try {
          await deps.objects.getToFile(storageKeys.processed('eco2mix', date, ECO2MIX_TABLE), local);
          return { date, path: local, hours: parisDayBounds(date).hours };
        } catch (error) {
          if (!(error instanceof ObjectNotFoundError)) throw error;
          status.set(date, 'missing');
          return null;
        }
      }),
    );
    partitions.push(...copied.filter((p): p is DayPartition => p !== null));
  }
  return partitions;
}

/** Builds and writes the report of a month (`YYYY-MM`) or a year (`YYYY`); returns its keys, JSON first. */
export async function writePeriodReport(
  deps: ReportDeps,
  kind: 'month' | 'year',
  period: string,
): Promise<{ keys: string[]; report: PeriodReport }> {
  const dates = kind === 'month' ? datesOfMonth(period) : datesOfYear(period);
  const first = dates[0] ?? '';
  const last = dates[dates.length - 1] ?? '';
  const runs = await deps.records.listDayRuns({ from: first, to: last, datasets: ['eco2mix'] });
  const status = new Map<string, DayStatus>(runs.map((run) => [run.date, run.status]));
  const scratch = await mkdtemp(path.join(deps.scratchDir, `report-${kind}-`));
  let report: PeriodReport;
  try {
    const partitions = await fetchPartitions(deps, dates, status, scratch);
    report = buildPeriodReport(kind, period, status, await periodFigures(deps.duckdb, partitions));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const key = (ext: 'json' | 'csv' | 'html') =>
    kind === 'month' ? reportKeys.monthly(period, ext) : reportKeys.annual(period, ext);
  const keys = [key('json'), key('csv'), key('html')];
  const [jsonKey = '', csvKey = '', htmlKey = ''] = keys;
  await deps.objects.put(jsonKey, `${JSON.stringify(report, null, 2)}\n`, { contentType: 'application/json' });
  await deps.objects.put(csvKey, periodReportCsv(report), { contentType: 'text/csv' });
  await deps.objects.put(htmlKey, periodReportHtml(report), { contentType: 'text/html; charset=utf-8' });
  await deps.records.upsertReport({ period, summary: periodReportSummary(report), keys });
  return { keys, report };
}
