/**
 * The monthly and annual report pages: headline tiles, energy bars (per day for a month, per
 * month and per day for a year), the production mix over the period (stacked bars) and a table
 * of the days or months with their status and links.
 */
import { barChart } from '../charts/bar-chart.js';
import { COLOURS, PRODUCTION_SOURCES, SOURCE_COLOURS, SOURCE_LABELS } from '../../datasets/eco2mix/labels.js';
import { formatNumber, longMonth, parisClock, percent, shortMonthName, withUnit } from '../format.js';
import type { PeriodReport } from '../period-report.js';
import type { Figures } from '../../datasets/eco2mix/figures-sql.js';
import { page, statusBadge, table, tile } from './layout.js';

interface Column {
  readonly key: string;
  readonly label: string;
  readonly figures: Figures | null;
}

const dayLabel = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
});

function tiles(report: PeriodReport): string {
  const t = report.totals;
  const peakAt = t?.consumption.peakAt;
  return `<section class="tiles">${[
    tile('Consumption', withUnit(t?.consumption.energyMWh, 'MWh'), 'sum of the days'),
    tile(
      'Peak',
      withUnit(t?.consumption.peakMW, 'MW'),
      peakAt ? `${peakAt.slice(0, 10)} at ${parisClock(peakAt)}` : 'highest daily peak',
    ),
    tile('Mean load', withUnit(t?.consumption.meanMW, 'MW'), 'mean of every point'),
    tile('Low-carbon share', withUnit(t?.production.lowCarbonSharePct, '%', 1), 'of production'),
    tile('CO2 intensity', withUnit(t?.co2.meanIntensityGPerKWh, 'gCO2/kWh', 1), 'mean of every point'),
    tile('Net imports', withUnit(t?.exchanges.netImportMWh, 'MWh'), 'negative: France exports'),
    tile(
      'Days',
      `${report.days.succeeded} of ${report.days.inPeriod}`,
      `${report.days.failed} failed, ${report.days.missing + report.days.running} missing`,
    ),
    tile('Completeness', percent(report.completeness), 'mean over every day'),
  ].join('')}</section>`;
}

function energyBars(id: string, title: string, caption: string, columns: readonly Column[], labels: string[]): string {
  return barChart({
    id,
    title,
    caption,
    unit: 'MWh',
    categories: columns.map((c) => c.label),
    axisLabels: labels,
    series: [
      {
        id: 'consumption',
        label: 'Consumption',
        colour: COLOURS.consumption,
        values: columns.map((c) => c.figures?.consumption.energyMWh ?? null),
      },
    ],
  });
}

function mixBars(id: string, caption: string, columns: readonly Column[], labels: string[]): string {
  return barChart({
    id,
    title: 'Production mix',
    caption,
    unit: 'MWh',
    categories: columns.map((c) => c.label),
    axisLabels: labels,
    stacked: true,
    series: PRODUCTION_SOURCES.map((s) => ({
      id: s,
      label: SOURCE_LABELS[s],
      colour: SOURCE_COLOURS[s],
      values: columns.map((c) => (c.figures ? c.figures.production.bySourceMWh[s] : null)),
    })),
  });
}

function figureCells(f: Figures | null): string[] {
  return [
    formatNumber(f?.consumption.energyMWh),
    formatNumber(f?.consumption.peakMW),
    formatNumber(f?.production.lowCarbonSharePct, 1),
    formatNumber(f?.co2.meanIntensityGPerKWh, 1),
    formatNumber(f?.exchanges.netImportMWh),
  ];
}

const FIGURE_HEADERS = ['MWh', 'peak MW', 'low-carbon %', 'gCO2/kWh', 'net imports MWh'];

function monthBody(report: PeriodReport): string {
  const columns = report.daily.map((d) => ({
    key: d.date,
    label: dayLabel.format(new Date(`${d.date}T00:00:00Z`)),
    figures: d.figures,
  }));
  const labels = report.daily.map((d, i) => (i === 0 || (i + 1) % 5 === 0 ? String(Number(d.date.slice(8))) : ''));
  const rows = report.daily.map((d) => [
    d.status === 'missing' ? d.date : `<a href="../dt=${d.date}/daily_report.html">${d.date}</a>`,
    statusBadge(d.status),
    ...figureCells(d.figures),
    percent(d.completeness),
  ]);
  return [
    energyBars('daily-energy', 'Consumption per day', 'Energy consumed each Paris day, MWh.', columns, labels),
    mixBars('daily-mix', 'Production of each Paris day by source, stacked, MWh.', columns, labels),
    '<h2>Days</h2>',
    table(['day', 'status', ...FIGURE_HEADERS, 'completeness'], rows),
  ].join('\n');
}

function yearBody(report: PeriodReport): string {
  const months = report.months.map((m) => ({ key: m.month, label: longMonth(m.month), figures: m.figures }));
  const monthLabels = report.months.map((m) => shortMonthName(m.month));
  const days = report.daily.map((d) => ({
    key: d.date,
    label: dayLabel.format(new Date(`${d.date}T00:00:00Z`)),
    figures: d.figures,
  }));
  const dayLabels = report.daily.map((d) => (d.date.endsWith('-01') ? shortMonthName(d.date.slice(0, 7)) : ''));
  const rows = report.months.map((m) => [
    m.figures ? `<a href="../month=${m.month}/monthly_report.html">${m.month}</a>` : m.month,
    statusBadge(m.status),
    `${m.days.succeeded} / ${m.days.inPeriod}`,
    ...figureCells(m.figures),
    percent(m.completeness),
  ]);
  return [
    energyBars('monthly-energy', 'Consumption per month', 'Energy consumed each month, MWh.', months, monthLabels),
    mixBars('monthly-mix', 'Production of each month by source, stacked, MWh.', months, monthLabels),
    energyBars(
      'daily-energy',
      'Consumption per day',
      'Energy consumed each Paris day of the year, MWh.',
      days,
      dayLabels,
    ),
    '<h2>Months</h2>',
    table(['month', 'status', 'days', ...FIGURE_HEADERS, 'completeness'], rows),
  ].join('\n');
}

export function periodReportHtml(report: PeriodReport): string {
  const isMonth = report.kind === 'month';
  const name = isMonth ? longMonth(report.period) : report.period;
  const file = isMonth ? 'monthly_report' : 'annual_report';
  const nav: Array<readonly [string, string]> = [['All reports', '../index.html']];
  if (isMonth)
    nav.push([`Year ${report.period.slice(0, 4)}`, `../year=${report.period.slice(0, 4)}/annual_report.html`]);
  nav.push(['JSON', `${file}.json`], ['CSV', `${file}.csv`]);
  return page({
    kind: report.kind,
    title: `France electricity — ${name}`,
    subtitle: `eCO2mix, ${report.days.succeeded} of ${report.days.inPeriod} Paris days with data (${report.status}).`,
    nav,
    body: `${statusBadge(report.status)}${tiles(report)}\n${isMonth ? monthBody(report) : yearBody(report)}`,
  });
}
