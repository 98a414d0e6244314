/**
 * Bars over categories (the days of a month, the months of a year), single or stacked. Each bar
 * is a `<rect class="bar">` with a `<title>`; each series a `<g>` with `data-series` and
 * `data-points` (its bars with a value).
 */
import { escapeHtml, formatNumber } from '../format.js';
import {
  categoryAxisSvg,
  emptyFigure,
  figure,
  PLOT,
  valueAxis,
  valueAxisSvg,
  type FigureOptions,
  type LegendEntry,
} from './frame.js';

export interface BarSeries extends LegendEntry {
  readonly id: string;
  /** One value per category (null: no bar). */
  readonly values: ReadonlyArray<number | null>;
}

export interface BarChartOptions extends Omit<FigureOptions, 'legend'> {
  /** Category labels shown in tooltips, e.g. `Wed 1 Jun`. */
  readonly categories: readonly string[];
  /** Short axis labels (empty to skip one), same length as categories. */
  readonly axisLabels: readonly string[];
  readonly unit: string;
  readonly series: readonly BarSeries[];
  /** Stack the series (a mix); else only the first series is drawn. */
  readonly stacked?: boolean;
  /** Show the series' legend (default: when stacked). */
  readonly legend?: boolean;
  readonly digits?: number;
}

/** Bars; with `stacked`, the series stacked from the first (bottom) to the last (top). */
export function barChart(options: BarChartOptions): string {
  const series = options.stacked ? options.series : options.series.slice(0, 1);
  const n = options.categories.length;
  const totals = options.categories.map((_, i) => series.reduce((t, s) => t + Math.max(0, s.values[i] ?? 0), 0));
  if (n === 0 || !series.some((s) => s.values.some((v) => v !== null))) {
    return emptyFigure(options, 'No values for this chart in this period.');
  }
  const axis = valueAxis(totals);
  const slot = (PLOT.right - PLOT.left) / n;
  const barWidth = Math.max(1, slot * 0.78);
  const xOf = (i: number) => PLOT.left + slot * i + (slot - barWidth) / 2;
  const base = options.categories.map(() => 0);
  const groups = series.map((s) => {
    const bars: string[] = [];
    s.values.forEach((value, i) => {
      if (value === null) return;
      const low = base[i] ?? 0;
      const high = low + Math.max(0, value);
      base[i] = high;
      const title = `${options.categories[i] ?? ''}\n${s.label}: ${formatNumber(value, options.digits ?? 0)} ${options.unit}`;
      bars.push(
        `<rect class="bar" x="${xOf(i).toFixed(2)}" y="${axis.y(high).toFixed(1)}" width="${barWidth.toFixed(2)}" height="${Math.max(0, axis.y(low) - axis.y(high)).toFixed(1)}"><title>${escapeHtml(title)}</title></rect>`,
      );
    });
    return `<g class="bars" style="--c:${escapeHtml(s.colour)}" data-series="${escapeHtml(s.id)}" data-points="${bars.length}">${bars.join('')}</g>`;
  });
  const ticks = options.axisLabels.flatMap((label, i) => (label ? [{ x: xOf(i) + barWidth / 2, label }] : []));
  const body = valueAxisSvg(axis, options.unit) + categoryAxisSvg(ticks) + groups.join('');
  return figure({ ...options, legend: (options.legend ?? options.stacked) ? [...series].reverse() : [] }, body);
}
