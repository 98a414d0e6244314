/** A dataset's section of a report page: its figures as tiles, its charts drawn as SVG, its tables. */
import type { ReportChart, ReportFigure, ReportSection, ReportTable } from '../../datasets/report-views.js';
import { barChart } from '../charts/bar-chart.js';
import { timeLineChart, timeStackedChart } from '../charts/time-chart.js';
import { escapeHtml, formatNumber, parisClock, percent, withUnit } from '../format.js';
import { table, tile } from './layout.js';

/** A figure's value as text: a percentage, a Paris time, plain text, or a number with its unit. */
export function figureText(figure: Pick<ReportFigure, 'value' | 'unit' | 'digits' | 'format'>): string {
  const { value } = figure;
  if (value === null) return '–';
  if (figure.format === 'percent') return typeof value === 'number' ? percent(value, figure.digits ?? 1) : '–';
  if (typeof value === 'string') return figure.format === 'instant' ? parisClock(value) : value;
  return figure.unit ? withUnit(value, figure.unit, figure.digits ?? 0) : formatNumber(value, figure.digits ?? 0);
}

function tiles(figures: readonly ReportFigure[]): string {
  const shown = figures.filter((f) => f.detail !== true);
  return `<section class="tiles">${shown.map((f) => tile(f.label, figureText(f), f.note)).join('')}</section>`;
}

function chartSvg(chart: ReportChart): string {
  if (chart.kind === 'bar') {
    return barChart({
      id: chart.id,
      title: chart.title,
      caption: chart.caption,
      unit: chart.unit,
      categories: chart.categories,
      axisLabels: chart.axisLabels,
      series: chart.series,
      ...(chart.stacked !== undefined ? { stacked: chart.stacked } : {}),
      ...(chart.digits !== undefined ? { digits: chart.digits } : {}),
    });
  }
  const options = {
    id: chart.id,
    title: chart.title,
    caption: chart.caption,
    unit: chart.unit,
    instants: chart.instants,
    from: chart.from,
    to: chart.to,
    series: chart.series,
    ...(chart.digits !== undefined ? { digits: chart.digits } : {}),
    ...(chart.includeZero !== undefined ? { includeZero: chart.includeZero } : {}),
  };
  return chart.style === 'stacked' ? timeStackedChart(options) : timeLineChart(options);
}

function tableHtml(t: ReportTable): string {
  const cell = (value: number | string | null) =>
    value === null ? '–' : typeof value === 'number' ? formatNumber(value, 3) : escapeHtml(value);
  return `<h3>${escapeHtml(t.title)}</h3>${table(
    t.columns,
    t.rows.map((row) => row.map(cell)),
  )}`;
}

/** The section's tiles, charts and tables, in that order. */
export function sectionHtml(section: Pick<ReportSection, 'figures' | 'charts' | 'tables'>): string {
  return [tiles(section.figures), ...section.charts.map(chartSvg), ...section.tables.map(tableHtml)].join('\n');
}
