/**
 * The hover columns of a time chart: a transparent `<rect>` per instant whose `<title>` gives the
 * instant's Paris time and every series' value there, written once per chart and instant.
 */
import { escapeHtml, formatNumber, parisClockWithOffset } from '../format.js';
import { fixed } from './fixed.js';
import { PLOT } from './frame.js';

interface HoverSeries {
  readonly label: string;
  readonly values: ReadonlyArray<number | null>;
}

interface HoverOptions {
  readonly unit: string;
  readonly digits?: number;
}

/**
 * A transparent column per instant, from halfway to the previous instant to halfway to the next,
 * titled with its Paris time and `lines(i)` (escaped, each after a newline).
 */
export function hoverColumns(instants: readonly number[], xs: readonly number[], lines: (i: number) => string): string {
  const last = instants.length - 1;
  let columns = '';
  instants.forEach((instant, i) => {
    const x = xs[i] ?? 0;
    const left = i === 0 ? PLOT.left : (x + (xs[i - 1] ?? x)) / 2;
    const right = i === last ? PLOT.right : (x + (xs[i + 1] ?? x)) / 2;
    const title = escapeHtml(parisClockWithOffset(instant)) + lines(i);
    columns += `<rect class="hover" x="${fixed(left, 1)}" y="${PLOT.top}" width="${fixed(Math.max(0, right - left), 2)}" height="${PLOT.bottom - PLOT.top}"><title>${title}</title></rect>`;
  });
  return `<g class="hover-columns">${columns}</g>`;
}

/** `Label: value unit` of each instant, escaped once per chart (formatNumber's text is HTML-safe). */
function valueLine(series: HoverSeries, options: HoverOptions): (i: number) => string {
  const label = `\n${escapeHtml(series.label)}: `;
  const unit = ` ${escapeHtml(options.unit)}`;
  const digits = options.digits ?? 0;
  return (i) => {
    const value = series.values[i] ?? null;
    return label + (value === null ? '–' : formatNumber(value, digits) + unit);
  };
}

/** The lines of every series at instant `i`, each after a newline. */
export function valueLines(series: readonly HoverSeries[], options: HoverOptions): (i: number) => string {
  const lines = series.map((s) => valueLine(s, options));
  return (i) => {
    let text = '';
    for (const line of lines) text += line(i);
    return text;
  };
}
