/**
 * What every chart shares: the SVG frame (a fixed viewBox that scales to the page width), the
 * value axis with round ticks, the legend (HTML, so that it wraps on a phone) and the figure
 * around them. Charts are plain SVG strings rendered here, with no network; the page's one script
 * (html/tooltip.ts) turns the `<title>` of their points and bars into tooltips.
 */
import { escapeHtml } from '../format.js';

export const WIDTH = 640;
export const HEIGHT = 300;
export const MARGIN = { top: 26, right: 14, bottom: 34, left: 72 } as const;
export const PLOT = {
  left: MARGIN.left,
  right: WIDTH - MARGIN.right,
  top: MARGIN.top,
  bottom: HEIGHT - MARGIN.bottom,
} as const;

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  readonly dashed?: boolean;
  /** Drawn as dots, not joined (marks on a line chart, e.g. anomalies). */
  readonly points?: boolean;
}

export interface ValueAxis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  /** y coordinate of a value. */
  y(value: number): number;
}

/** Round tick step (1, 2 or 5 × 10^k) giving about `count` intervals over `span`. */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/**
 * A value axis over the values, widened to round ticks. Bars and stacks start at 0
 * (`includeZero`, the default); a line may not, so that its variation shows.
 */
export function valueAxis(
  values: readonly number[],
  options: { count?: number; includeZero?: boolean } = {},
): ValueAxis {
  const count = options.count ?? 5;
  const zero = options.includeZero ?? true;
  let low = zero ? Math.min(0, ...values) : Math.min(...values);
  let high = zero ? Math.max(0, ...values) : Math.max(...values);
  if (!zero) {
    const pad = (high - low) * 0.08 || Math.abs(high) * 0.05 || 1;
    [low, high] = [low - pad, high + pad];
  }
  if (high === low) high = low + 1;
  const step = tickStep(high - low, count);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let t = low; t <= high + step / 2; t += step) ticks.push(Math.abs(t) < step / 1e6 ? 0 : t);
  const y = (value: number) => PLOT.bottom - ((value - low) / (high - low)) * (PLOT.bottom - PLOT.top);
  return { min: low, max: high, ticks, y };
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Grid lines and labels of a value axis (`80K`, `1.5M`: short enough for a phone), and the unit above it. */
export function valueAxisSvg(axis: ValueAxis, unit: string): string {
  const lines = axis.ticks.map((tick) => {
    const y = axis.y(tick).toFixed(1);
    return (
      `<line class="grid${tick === 0 ? ' zero' : ''}" x1="${PLOT.left}" x2="${PLOT.right}" y1="${y}" y2="${y}"/>` +
      `<text class="tick" x="${PLOT.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${compact.format(tick)}</text>`
    );
  });
  return `<g class="axis value-axis">${lines.join('')}<text class="unit" x="4" y="${PLOT.top - 12}">${escapeHtml(unit)}</text></g>`;
}

/** Labels longer than this are hidden on a phone, where they would overlap (the legend names them). */
const PHONE_LABEL_CHARS = 5;

/** Labels under the plot at given x positions. */
export function categoryAxisSvg(ticks: ReadonlyArray<{ readonly x: number; readonly label: string }>): string {
  const labels = ticks.map(
    (t) =>
      `<text class="tick${t.label.length > PHONE_LABEL_CHARS ? ' wide-only' : ''}" x="${t.x.toFixed(1)}" y="${PLOT.bottom + 18}" text-anchor="middle">${escapeHtml(t.label)}</text>`,
  );
  return `<g class="axis category-axis"><line class="baseline" x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}"/>${labels.join('')}</g>`;
}

function legendHtml(entries: readonly LegendEntry[]): string {
  if (entries.length === 0) return '';
  const items = entries.map(
    (e) =>
      `<li><span class="swatch${e.dashed ? ' dashed' : ''}${e.points ? ' points' : ''}" style="--c:${escapeHtml(e.colour)}"></span>${escapeHtml(e.label)}</li>`,
  );
  return `<ul class="legend">${items.join('')}</ul>`;
}

export interface FigureOptions {
  /** `data-chart` of the figure: what tests and readers find the chart by. */
  readonly id: string;
  readonly title: string;
  /** One sentence under the title: what is shown and in which unit. */
  readonly caption: string;
  readonly legend: readonly LegendEntry[];
}

/** The figure: title, caption, legend and the SVG (with an accessible name). */
export function figure(options: FigureOptions, svgBody: string): string {
  const title = escapeHtml(options.title);
  return (
    `<figure class="chart" data-chart="${escapeHtml(options.id)}">` +
    `<figcaption><strong>${title}</strong> <span>${escapeHtml(options.caption)}</span></figcaption>` +
    legendHtml(options.legend) +
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg">${svgBody}</svg>` +
    `</figure>`
  );
}

/** A figure saying why there is no chart (no data for it). */
export function emptyFigure(options: Omit<FigureOptions, 'legend'>, reason: string): string {
  return (
    `<figure class="chart empty" data-chart="${escapeHtml(options.id)}">` +
    `<figcaption><strong>${escapeHtml(options.title)}</strong> <span>${escapeHtml(options.caption)}</span></figcaption>` +
    `<p class="note">${escapeHtml(reason)}</p></figure>`
  );
}
