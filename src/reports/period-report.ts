/**
 * Monthly and annual reports (`reports/month=YYYY-MM/monthly_report.*`,
 * `reports/year=YYYY/annual_report.*`) across datasets: for every dataset with days in the period,
 * the days' status from the day records and its module's period section over the succeeded days.
 * JSON-safe and deterministic: the same days give the same bytes.
 */
import type { PeriodSection, ReportFigure } from '../datasets/report-views.js';
import { PARTITION_TIMEZONE } from '../workflow-safe/partition.js';
import { datesOfMonth, datesOfYear, monthOf, monthsOfYear } from '../workflow-safe/periods.js';
import { DAY_DEFINITION } from './html/layout.js';
import { csvCell } from './csv-cell.js';

/** blocked: failed by a `block` quality check (DataQuality); its data is left out of the period. */
export type DayStatus = 'succeeded' | 'failed' | 'blocked' | 'running' | 'missing';

/** complete: every day succeeded with data; partial: some have data; empty: none has. */
export type PeriodStatus = 'complete' | 'partial' | 'empty';

export interface DayCounts {
  readonly inPeriod: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Days a `block` quality check failed, left out of the period's figures (also counted in `failed`). */
  readonly blocked: number;
  readonly running: number;
  readonly missing: number;
}

type Figures = Readonly<Record<string, number | string | null>>;

export interface PeriodDay {
  readonly date: string;
  readonly status: DayStatus;
  /** The day's completeness (0 when it has no data). */
  readonly completeness: number;
  /** The day's figures by key; null when it has no data. */
  readonly figures: Figures | null;
}

export interface PeriodMonth {
  readonly month: string;
  readonly status: PeriodStatus;
  readonly days: DayCounts;
  readonly completeness: number;
  readonly figures: Figures | null;
}

export interface DatasetPeriod {
  readonly dataset: string;
  readonly title: string;
  readonly status: PeriodStatus;
  readonly days: DayCounts;
  /** Mean of the days' completeness over every day of the period (a day without data counts 0). */
  readonly completeness: number;
  readonly summary: string;
  readonly totals: Figures;
  /** Months of an annual report; empty for a monthly one. */
  readonly months: readonly PeriodMonth[];
  readonly daily: readonly PeriodDay[];
}

export interface PeriodReport {
  readonly kind: 'month' | 'year';
  readonly period: string;
  readonly timezone: string;
  readonly dayDefinition: string;
  /** complete when every dataset is; empty when none has data. */
  readonly status: PeriodStatus;
  readonly datasets: readonly DatasetPeriod[];
}

function counts(days: readonly PeriodDay[]): DayCounts {
  const of = (status: DayStatus) => days.filter((d) => d.status === status).length;
  return {
    inPeriod: days.length,
    succeeded: of('succeeded'),
    failed: of('failed') + of('blocked'),
    blocked: of('blocked'),
    running: of('running'),
    missing: of('missing'),
  };
}

function statusOf(days: readonly PeriodDay[]): PeriodStatus {
  if (days.length > 0 && days.every((d) => d.status === 'succeeded' && d.figures !== null)) return 'complete';
  return days.some((d) => d.figures !== null) ? 'partial' : 'empty';
}

function meanCompleteness(days: readonly PeriodDay[]): number {
  return days.length === 0 ? 0 : days.reduce((t, d) => t + d.completeness, 0) / days.length;
}

function byKey(figures: readonly ReportFigure[]): Figures {
  return Object.fromEntries(figures.map((f) => [f.key, f.value]));
}

function completenessOf(figures: Figures | null): number {
  const value = figures?.completeness;
  return typeof value === 'number' ? value : figures ? 1 : 0;
}

/** One dataset's part of the report: every day of the period with its status, and its section. */
export function datasetPeriod(
  kind: 'month' | 'year',
  period: string,
  dataset: { readonly name: string; readonly title: string },
  status: ReadonlyMap<string, DayStatus>,
  section: PeriodSection,
): DatasetPeriod {
  const figuresByDay = new Map(section.daily.map((d) => [d.date, byKey(d.figures)]));
  const figuresByMonth = new Map(section.monthly.map((m) => [m.month, byKey(m.figures)]));
  const daily = (kind === 'month' ? datesOfMonth(period) : datesOfYear(period)).map((date): PeriodDay => {
    const figures = figuresByDay.get(date) ?? null;
    return { date, status: status.get(date) ?? 'missing', completeness: completenessOf(figures), figures };
  });
  const months =
    kind === 'year'
      ? monthsOfYear(period).map((month): PeriodMonth => {
          const days = daily.filter((d) => monthOf(d.date) === month);
          return {
            month,
            status: statusOf(days),
            days: counts(days),
            completeness: meanCompleteness(days),
            figures: figuresByMonth.get(month) ?? null,
          };
        })
      : [];
  return {
    dataset: dataset.name,
    title: dataset.title,
    status: statusOf(daily),
    days: counts(daily),
    completeness: meanCompleteness(daily),
    summary: section.summary,
    totals: byKey(section.figures),
    months,
    daily,
  };
}

export function buildPeriodReport(
  kind: 'month' | 'year',
  period: string,
  datasets: readonly DatasetPeriod[],
): PeriodReport {
  const statuses = new Set(datasets.map((d) => d.status));
  return {
    kind,
    period,
    timezone: PARTITION_TIMEZONE,
    dayDefinition: DAY_DEFINITION,
    status:
      datasets.length > 0 && [...statuses].every((s) => s === 'complete')
        ? 'complete'
        : statuses.has('complete') || statuses.has('partial')
          ? 'partial'
          : 'empty',
    datasets,
  };
}

/**
 * Long format, `dataset,period,status,metric,value`: for each dataset, one group of rows per day
 * (monthly) or per month (annual), then the whole period's: its completeness, its days with data
 * and every figure.
 */
export function periodReportCsv(report: PeriodReport): string {
  const lines = ['dataset,period,status,metric,value'];
  const group = (
    dataset: string,
    period: string,
    status: string,
    completeness: number,
    withData: number,
    figures: Figures | null,
  ) => {
    const rows: Array<[string, number | string | null]> = [
      ['completeness', completeness],
      ['days_with_data', withData],
      ...Object.entries(figures ?? {}).filter(([key]) => key !== 'completeness'),
    ];
    for (const [metric, value] of rows) lines.push([dataset, period, status, metric, value].map(csvCell).join(','));
  };
  for (const d of report.datasets) {
    if (report.kind === 'month') {
      for (const day of d.daily)
        group(d.dataset, day.date, day.status, day.completeness, day.figures ? 1 : 0, day.figures);
    } else {
      for (const m of d.months) {
        const withData = d.daily.filter((day) => monthOf(day.date) === m.month && day.figures).length;
        group(d.dataset, m.month, m.status, m.completeness, withData, m.figures);
      }
    }
    group(d.dataset, report.period, d.status, d.completeness, d.daily.filter((day) => day.figures).length, d.totals);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** What the `reports` record keeps of a period report. */
export function periodReportSummary(report: PeriodReport): Record<string, unknown> {
  return {
    kind: report.kind,
    status: report.status,
    datasets: report.datasets.map((d) => ({
      dataset: d.dataset,
      status: d.status,
      days: d.days,
      completeness: d.completeness,
    })),
  };
}
