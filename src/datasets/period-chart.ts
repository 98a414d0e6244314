/** The bar chart of a period section: a bar per day of a month, or per month of a year (its days summed). */
import type { BarChart } from './report-views.js';

export interface PeriodBarChartOptions {
  readonly kind: 'month' | 'year';
  /** Stable `data-chart`. */
  readonly id: string;
  /** What a bar measures, e.g. `Energy`: the title says `Energy per day` or `Energy per month`. */
  readonly measure: string;
  /** Stable `data-series` of the bars. */
  readonly seriesId: string;
  readonly caption: string;
  readonly unit: string;
  readonly colour: string;
  /** The days with a value, ascending. */
  readonly days: ReadonlyArray<{ readonly date: string; readonly value: number }>;
  readonly digits?: number;
}

export function periodBarChart(options: PeriodBarChartOptions): BarChart {
  const { kind, days } = options;
  const months = [...new Set(days.map((d) => d.date.slice(0, 7)))];
  const monthTotal = (month: string) =>
    Math.round(days.filter((d) => d.date.startsWith(month)).reduce((sum, d) => sum + d.value, 0) * 1e6) / 1e6;
  return {
    kind: 'bar',
    id: options.id,
    title: `${options.measure} per ${kind === 'year' ? 'month' : 'day'}`,
    caption: options.caption,
    unit: options.unit,
    categories: kind === 'year' ? months : days.map((d) => d.date),
    axisLabels: kind === 'year' ? months.map((m) => m.slice(5)) : days.map((d) => d.date.slice(8)),
    series: [
      {
        id: options.seriesId,
        label: options.measure,
        colour: options.colour,
        values: kind === 'year' ? months.map(monthTotal) : days.map((d) => d.value),
      },
    ],
    ...(options.digits !== undefined ? { digits: options.digits } : {}),
  };
}
