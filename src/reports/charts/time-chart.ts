/**
 * Charts over the instants of a day: lines (consumption against forecast, CO2 intensity,
 * exchanges) and stacked areas (the production mix). Each series is one `<path>` (a `<g>` of
 * dots for marks) with `data-series` and `data-points` (its points with a value); a transparent
 * column per instant carries a `<title>` with every series' value, shown on hover or tap.
 */
import { escapeHtml, formatNumber, parisClock, parisClockWithOffset } from '../format.js';
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
 * `M x y L x y …` through the points with a value, skipping instants without one (consolidated
 * days carry consumption on the half-hours only), restarting after a hole of more than an hour.
 */
function linePath(
  points: ReadonlyArray<{ readonly at: number; readonly x: number; readonly y: number } | null>,
): string {
  let path = '';
  let last: number | null = null;
  for (const point of points) {
    if (point === null) continue;
    const joined = last !== null && point.at - last <= MAX_JOINED_GAP_MS;
    path += `${joined ? 'L' : 'M'}${point.x.toFixed(1)} ${point.y.toFixed(1)}`;
    last = point.at;
  }
  return path;
}

function hoverColumns(options: TimeChartOptions, lines: (i: number) => string[]): string {
  const { instants } = options;
  const columns = instants.map((instant, i) => {
    const left = i === 0 ? PLOT.left : (xOf(options, instant) + xOf(options, instants[i - 1] ?? instant)) / 2;
    const next = instants[i + 1];
    const right = next === undefined ? PLOT.right : (xOf(options, instant) + xOf(options, next)) / 2;
    const title = [parisClockWithOffset(instant), ...lines(i)].join('\n');
    return `<rect class="hover" x="${left.toFixed(1)}" y="${PLOT.top}" width="${Math.max(0, right - left).toFixed(2)}" height="${PLOT.bottom - PLOT.top}"><title>${escapeHtml(title)}</title></rect>`;
  });
  return `<g class="hover-columns">${columns.join('')}</g>`;
}

function countValues(values: ReadonlyArray<number | null>): number {
  return values.filter((v) => v !== null).length;
}

function valueLine(series: TimeSeries, i: number, options: TimeChartOptions): string {
  const value = series.values[i] ?? null;
  return `${series.label}: ${value === null ? '–' : `${formatNumber(value, options.digits ?? 0)} ${options.unit}`}`;
}

/** Lines, one per series (dots for a `points` series); gaps where a series has no value. */
export function timeLineChart(options: TimeChartOptions): string {
  const all = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (all.length === 0) return emptyFigure(options, 'No values for this chart on this day.');
  const axis = valueAxis(all, { includeZero: options.includeZero ?? false });
  const paths = options.series.map((series) => {
    const points = options.instants.map((instant, i) => {
      const value = series.values[i] ?? null;
      return value === null ? null : { at: instant, x: xOf(options, instant), y: axis.y(value) };
    });
    const attributes = `style="--c:${escapeHtml(series.colour)}" data-series="${escapeHtml(series.id)}" data-points="${countValues(series.values)}"`;
    if (series.points) {
      const dots = points.flatMap((p) => (p ? [`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="4"/>`] : []));
      return `<g class="points" ${attributes}>${dots.join('')}</g>`;
    }
    return `<path class="line${series.dashed ? ' dashed' : ''}" d="${linePath(points)}" ${attributes}/>`;
  });
  const body =
    valueAxisSvg(axis, options.unit) +
    categoryAxisSvg(hourTicks(options)) +
    paths.join('') +
    hoverColumns(options, (i) => options.series.map((s) => valueLine(s, i, options)));
  return figure({ ...options, legend: options.series }, body);
}

/** Stacked areas, first series at the bottom; a missing value stacks as 0. Series are positive. */
export function timeStackedChart(options: TimeChartOptions): string {
  const totals = options.instants.map((_, i) => options.series.reduce((t, s) => t + Math.max(0, s.values[i] ?? 0), 0));
  if (!options.series.some((s) => countValues(s.values) > 0)) {
    return emptyFigure(options, 'No values for this chart on this day.');
  }
  const axis = valueAxis(totals);
  const base = options.instants.map(() => 0);
  const areas = options.series.map((series) => {
    const lower = [...base];
    const upper = lower.map((low, i) => low + Math.max(0, series.values[i] ?? 0));
    upper.forEach((value, i) => (base[i] = value));
    const xs = options.instants.map((instant) => xOf(options, instant).toFixed(1));
    const top = upper.map((value, i) => `${i === 0 ? 'M' : 'L'}${xs[i]} ${axis.y(value).toFixed(1)}`).join('');
    const bottom = lower
      .map((value, i) => `L${xs[i]} ${axis.y(value).toFixed(1)}`)
      .reverse()
      .join('');
    return `<path class="area" d="${top}${bottom}Z" style="--c:${escapeHtml(series.colour)}" data-series="${escapeHtml(series.id)}" data-points="${countValues(series.values)}"/>`;
  });
  const body =
    valueAxisSvg(axis, options.unit) +
    categoryAxisSvg(hourTicks(options)) +
    areas.join('') +
    hoverColumns(options, (i) => [
      ...[...options.series].reverse().map((s) => valueLine(s, i, options)),
      `Total: ${formatNumber(totals[i] ?? 0, options.digits ?? 0)} ${options.unit}`,
    ]);
  return figure({ ...options, legend: [...options.series].reverse() }, body);
}
