/**
 * Monthly and annual eCO2mix reports (`reports/month=YYYY-MM/monthly_report.*`,
 * `reports/year=YYYY/annual_report.*`): the days' status from the day records, and the figures
 * computed from the days' Parquet partitions (period-sql.ts). JSON-safe and deterministic: the
 * same days give the same bytes.
 */
import { PARTITION_TIMEZONE } from '../shared/partition.js';
import { datesOfMonth, datesOfYear, monthOf, monthsOfYear } from '../shared/periods.js';
import { PRODUCTION_SOURCES } from '../datasets/eco2mix/labels.js';
import { DAY_DEFINITION } from './html/layout.js';
import type { Figures, PeriodFigures } from '../datasets/eco2mix/figures-sql.js';

export type DayStatus = 'succeeded' | 'failed' | 'running' | 'missing';

export interface DayCounts {
  readonly inPeriod: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
  readonly missing: number;
}

export interface PeriodDay {
  readonly date: string;
  readonly status: DayStatus;
  /** Points / expected points of the day; 0 when it has no data. */
  readonly completeness: number;
  readonly figures: Figures | null;
}

export interface PeriodMonth {
  readonly month: string;
  readonly status: PeriodStatus;
  readonly days: DayCounts;
  readonly completeness: number;
  readonly figures: Figures | null;
}

/** complete: every day succeeded; partial: some have data; empty: none has. */
export type PeriodStatus = 'complete' | 'partial' | 'empty';

export interface PeriodReport {
  readonly kind: 'month' | 'year';
  readonly period: string;
  readonly dataset: 'eco2mix';
  readonly timezone: string;
  readonly dayDefinition: string;
  readonly units: Readonly<Record<string, string>>;
  readonly status: PeriodStatus;
  readonly days: DayCounts;
  /** Mean of the days' completeness over every day of the period (a day without data counts 0). */
  readonly completeness: number;
  /** Energies summed over the days, peak the highest daily peak, means over every point. */
  readonly totals: Figures | null;
  /** Months of an annual report; empty for a monthly one. */
  readonly months: readonly PeriodMonth[];
  readonly daily: readonly PeriodDay[];
}

const UNITS = {
  energy: 'MWh',
  power: 'MW',
  co2: 'gCO2/kWh',
  shares: '%',
  instants: 'ISO-8601 UTC',
} as const;

function counts(days: readonly PeriodDay[]): DayCounts {
  const of = (status: DayStatus) => days.filter((d) => d.status === status).length;
  return {
    inPeriod: days.length,
    succeeded: of('succeeded'),
    failed: of('failed'),
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

function periodDays(dates: readonly string[], status: ReadonlyMap<string, DayStatus>, figures: PeriodFigures) {
  return dates.map((date): PeriodDay => {
    const f = figures.byDay.get(date) ?? null;
    return {
      date,
      status: status.get(date) ?? 'missing',
      completeness: f && f.expectedPoints > 0 ? f.points / f.expectedPoints : 0,
      figures: f,
    };
  });
}

/** The report of a month (`YYYY-MM`) or a year (`YYYY`). `status` has the eCO2mix day records' status by date. */
export function buildPeriodReport(
  kind: 'month' | 'year',
  period: string,
  status: ReadonlyMap<string, DayStatus>,
  figures: PeriodFigures,
): PeriodReport {
  const daily = periodDays(kind === 'month' ? datesOfMonth(period) : datesOfYear(period), status, figures);
  const months =
    kind === 'year'
      ? monthsOfYear(period).map((month): PeriodMonth => {
          const days = daily.filter((d) => monthOf(d.date) === month);
          return {
            month,
            status: statusOf(days),
            days: counts(days),
            completeness: meanCompleteness(days),
            figures: figures.byMonth.get(month) ?? null,
          };
        })
      : [];
  return {
    kind,
    period,
    dataset: 'eco2mix',
    timezone: PARTITION_TIMEZONE,
    dayDefinition: DAY_DEFINITION,
    units: UNITS,
    status: statusOf(daily),
    days: counts(daily),
    completeness: meanCompleteness(daily),
    totals: figures.total,
    months,
    daily,
  };
}

const CSV_FIGURES: ReadonlyArray<readonly [string, (f: Figures) => number | string | null]> = [
  ['points', (f) => f.points],
  ['expected_points', (f) => f.expectedPoints],
  ['consumption_mwh', (f) => f.consumption.energyMWh],
  ['peak_mw', (f) => f.consumption.peakMW],
  ['peak_at', (f) => f.consumption.peakAt],
  ['min_mw', (f) => f.consumption.minMW],
  ['min_at', (f) => f.consumption.minAt],
  ['mean_mw', (f) => f.consumption.meanMW],
  ['production_mwh', (f) => f.production.totalMWh],
  ...PRODUCTION_SOURCES.map((s) => [`${s}_mwh`, (f: Figures) => f.production.bySourceMWh[s]] as const),
  ['low_carbon_share_pct', (f) => f.production.lowCarbonSharePct],
  ['net_import_mwh', (f) => f.exchanges.netImportMWh],
  ['co2_g_per_kwh', (f) => f.co2.meanIntensityGPerKWh],
  ['day_ahead_mape_pct', (f) => f.forecast.dayAheadMAPEPct],
];

function csvLine(first: string, status: string, days: string, completeness: number, f: Figures | null): string {
  const cells = CSV_FIGURES.map(([, pick]) => {
    const value = f ? pick(f) : null;
    return value === null ? '' : String(value);
  });
  return [first, status, days, String(completeness), ...cells].join(',');
}

/**
 * One row per day (monthly) or per month (annual), then a `total` row named by the period:
 * `{date|month},status,days_with_data,completeness,points,…,day_ahead_mape_pct`.
 */
export function periodReportCsv(report: PeriodReport): string {
  const header = [
    report.kind === 'month' ? 'date' : 'month',
    'status',
    'days_with_data',
    'completeness',
    ...CSV_FIGURES.map(([name]) => name),
  ];
  const rows =
    report.kind === 'month'
      ? report.daily.map((d) => csvLine(d.date, d.status, String(d.figures ? 1 : 0), d.completeness, d.figures))
      : report.months.map((m) => csvLine(m.month, m.status, String(m.figures?.days ?? 0), m.completeness, m.figures));
  const total = csvLine(
    report.period,
    report.status,
    String(report.totals?.days ?? 0),
    report.completeness,
    report.totals,
  );
  return `${[header.join(','), ...rows, total].join('\r\n')}\r\n`;
}

/** What the `reports` record keeps of a period report. */
export function periodReportSummary(report: PeriodReport): Record<string, unknown> {
  return {
    kind: report.kind,
    status: report.status,
    days: report.days,
    completeness: report.completeness,
    energyMWh: report.totals?.consumption.energyMWh ?? null,
    peakMW: report.totals?.consumption.peakMW ?? null,
    peakAt: report.totals?.consumption.peakAt ?? null,
  };
}
