/** Text for reports: HTML escaping, numbers with units, Paris times. Deterministic (no clock). */
import { PARTITION_TIMEZONE, parisOffsetMs } from '../workflow-safe/partition.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside HTML or SVG elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const formats = new Map<number, Intl.NumberFormat>();

/** `1,657,710.8`: grouped thousands, at most `digits` decimals; `–` for null. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  let format = formats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    formats.set(digits, format);
  }
  return format.format(value);
}

/** A number followed by its unit, `–` alone for null. */
export function withUnit(value: number | null | undefined, unit: string, digits = 0): string {
  const text = formatNumber(value, digits);
  return text === '–' ? text : `${text} ${unit}`;
}

/** A ratio 0..1 as a percentage. */
export function percent(ratio: number | null | undefined, digits = 1): string {
  return ratio === null || ratio === undefined ? '–' : `${formatNumber(ratio * 100, digits)} %`;
}

const parisOffset = new Intl.DateTimeFormat('en-GB', { timeZone: PARTITION_TIMEZONE, timeZoneName: 'shortOffset' });

/** Intl's name of each offset met (`GMT+1`, `GMT+2`), by offset in ms. */
const offsetNames = new Map<number, string>();

const twoDigits = (n: number) => String(n).padStart(2, '0');

/**
 * `14:15` in Paris for an instant (ms or ISO): the instant moved by the Paris offset of its hour
 * (parisOffsetMs), as Intl writes it with `hourCycle: 'h23'` and without asking it for each
 * of a day's quarter-hours, which is the costly part of drawing a report's charts.
 */
export function parisClock(instant: number | string): string {
  const ms = new Date(instant).getTime();
  const local = new Date(ms + parisOffsetMs(ms));
  return `${twoDigits(local.getUTCHours())}:${twoDigits(local.getUTCMinutes())}`;
}

/** `14:15 (GMT+2)`: the Paris time with its offset, unambiguous on the October night. */
export function parisClockWithOffset(instant: number | string): string {
  const ms = new Date(instant).getTime();
  const offset = parisOffsetMs(ms);
  let name = offsetNames.get(offset);
  if (name === undefined) {
    name = parisOffset.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    offsetNames.set(offset, name);
  }
  return `${parisClock(ms)} (${name})`;
}

const longDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const monthName = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });

/** `Wednesday 1 June 2016` for `2016-06-01`. */
export function longDay(date: string): string {
  return longDate.format(new Date(`${date}T00:00:00Z`));
}

/** `June 2016` for `2016-06`. */
export function longMonth(month: string): string {
  return monthName.format(new Date(`${month}-01T00:00:00Z`));
}
