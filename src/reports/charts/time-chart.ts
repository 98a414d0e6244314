/**
 * Charts over the instants of a day: lines (consumption against forecast, CO2 intensity,
 * exchanges) and stacked areas (the production mix). Each series is one `<path>` (a `<g>` of
 * dots for marks) with `data-series` and `data-points` (its points with a value); a transparent
 * column per instant carries a `<title>` with every series' value, shown on hover or tap.
 */
import { escapeHtml, formatNumber, parisClock } from '../format.js';
import { fixed } from './fixed.js';
import { hoverColumns, valueLines } from './hover-columns.js';
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

export interface TimeSeries extends LegendEntry {
  /** Stable name for `data-series`, e.g. `consommation`. */
  readonly id: string;
  /** One value per instant of the chart (null: no value there). */
  readonly values: ReadonlyArray<number | null>;
}

export interface TimeChartOptions extends Omit<FigureOptions, 'legend'> {
  /** UTC instants (ms), ascending. */
  readonly instants: readonly number[];
  /** The x domain: the day's bounds. */
  readonly from: number;
  readonly to: number;
  readonly unit: string;
  readonly series: readonly TimeSeries[];
  /** Digits shown in tooltips. */
  readonly digits?: number;
  /** Start the value axis at 0 (lines whose sign matters, e.g. exchanges); default false for lines. */
  readonly includeZero?: boolean;
}

function xOf(options: TimeChartOptions, instant: number): number {
  return PLOT.left + ((instant - options.from) / (options.to - options.from)) * (PLOT.right - PLOT.left);
}

/** Every third Paris hour on the hour: 00:00, 03:00, … (the DST night shows its real clock). */
function hourTicks(options: TimeChartOptions): Array<{ x: number; label: string }> {
  const ticks: Array<{ x: number; label: string }> = [];
  for (let at = options.from; at < options.to; at += 3_600_000) {
    const label = parisClock(at);
    if (label.endsWith(':00') && Number(label.slice(0, 2)) % 3 === 0) ticks.push({ x: xOf(options, at), label });
  }
  return ticks;
}

/** Values further apart than this are not joined: the line shows the hole. */
const MAX_JOINED_GAP_MS = 60 * 60_000;

/**
 * `M x y L x y …` through the instants with a y (`ys`, written), skipping those without one
 * (consolidated days carry consumption on the half-hours only), restarting after a hole of more
 * than an hour.
 */
function linePath(instants: readonly number[], xs: readonly string[], ys: ReadonlyArray<string | null>): string {
  let path = '';
  let last: number | null = null;
  for (const [i, at] of instants.entries()) {
    const y = ys[i];
    if (y === null || y === undefined) continue;
    path += `${last !== null && at - last <= MAX_JOINED_GAP_MS ? 'L' : 'M'}${xs[i]} ${y}`;
    last = at;
  }
  return path;
}

function countValues(values: ReadonlyArray<number | null>): number {
  let count = 0;
  for (const value of values) if (value !== null) count += 1;
  return count;
}

function seriesAttributes(series: TimeSeries): string {
  return `style="--c:${escapeHtml(series.colour)}" data-series="${escapeHtml(series.id)}" data-points="${countValues(series.values)}"`;
}

/** Lines, one per series (dots for a `points` series); gaps where a series has no value. */
export function timeLineChart(options: TimeChartOptions): string {
  const all = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (all.length === 0) return emptyFigure(options, 'No values for this chart on this day.');
  const axis = valueAxis(all, { includeZero: options.includeZero ?? false });
  const xs = options.instants.map((instant) => xOf(options, instant));
  const xTexts = xs.map((x) => fixed(x, 1));
  const paths = options.series.map((series) => {
    const ys = options.instants.map((_, i) => {
      const value = series.values[i] ?? null;
      return value === null ? null : fixed(axis.y(value), 1);
    });
    if (series.points) {
      const dots = ys.map((y, i) => (y === null ? '' : `<circle cx="${xTexts[i]}" cy="${y}" r="4"/>`));
      return `<g class="points" ${seriesAttributes(series)}>${dots.join('')}</g>`;
    }
    const path = linePath(options.instants, xTexts, ys);
    return `<path class="line${series.dashed ? ' dashed' : ''}" d="${path}" ${seriesAttributes(series)}/>`;
  });
  const body =
    valueAxisSvg(axis, options.unit) +
    categoryAxisSvg(hourTicks(options)) +
    paths.join('') +
    hoverColumns(options.instants, xs, valueLines(options.series, options));
  return figure({ ...options, legend: options.series }, body);
}

/** Stacked areas, first series at the bottom; a missing value stacks as 0. Series are positive. */
export function timeStackedChart(options: TimeChartOptions): string {
  const totals = options.instants.map((_, i) => options.series.reduce((t, s) => t + Math.max(0, s.values[i] ?? 0), 0));
  if (!options.series.some((s) => countValues(s.values) > 0)) {
    return emptyFigure(options, 'No values for this chart on this day.');
  }
  const axis = valueAxis(totals);
  const xs = options.instants.map((instant) => xOf(options, instant));
  const xTexts = xs.map((x) => fixed(x, 1));
  // Each area's lower edge is the upper edge of the one below it: its y texts are reused.
  const base = options.instants.map(() => 0);
  let lowerYs = base.map((low) => fixed(axis.y(low), 1));
  const areas = options.series.map((series) => {
    const upperYs = base.map((low, i) => {
      const high = low + Math.max(0, series.values[i] ?? 0);
      base[i] = high;
      return fixed(axis.y(high), 1);
    });
    const top = upperYs.map((y, i) => `${i === 0 ? 'M' : 'L'}${xTexts[i]} ${y}`).join('');
    let bottom = '';
    for (let i = lowerYs.length - 1; i >= 0; i -= 1) bottom += `L${xTexts[i]} ${lowerYs[i]}`;
    lowerYs = upperYs;
    return `<path class="area" d="${top}${bottom}Z" ${seriesAttributes(series)}/>`;
  });
  const legend = [...options.series].reverse();
  const lines = valueLines(legend, options);
  const total = ` ${escapeHtml(options.unit)}`;
  const digits = options.digits ?? 0;
  const body =
    valueAxisSvg(axis, options.unit) +
    categoryAxisSvg(hourTicks(options)) +
    areas.join('') +
    hoverColumns(options.instants, xs, (i) => `${lines(i)}\nTotal: ${formatNumber(totals[i] ?? 0, digits)}${total}`);
  return figure({ ...options, legend }, body);
}
