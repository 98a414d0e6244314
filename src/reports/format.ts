/** Text for reports: HTML escaping, numbers with units, Paris times. Deterministic (no clock). */
import { PARTITION_TIMEZONE } from '../workflow-safe/partition.js';

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

const parisTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARTITION_TIMEZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const parisOffset = new Intl.DateTimeFormat('en-GB', { timeZone: PARTITION_TIMEZONE, timeZoneName: 'shortOffset' });

/**
 * Labels of instants already formatted: a report labels the same instants in every chart of a day
 * (four charts of 96 quarter-hours), and formatting a time in a time zone is the costly part of
 * drawing them. Emptied when full.
 */
const labelled = new Map<string, string>();
const LABELS_KEPT = 4096;

function memo(key: string, label: () => string): string {
  const known = labelled.get(key);
  if (known !== undefined) return known;
  if (labelled.size >= LABELS_KEPT) labelled.clear();
  const made = label();
  labelled.set(key, made);
  return made;
}

/** `14:15` in Paris for an instant (ms or ISO). */
export function parisClock(instant: number | string): string {
  return memo(`c${instant}`, () => parisTime.format(new Date(instant)));
}

/** `14:15 (GMT+2)`: the Paris time with its offset, unambiguous on the October night. */
export function parisClockWithOffset(instant: number | string): string {
  return memo(`o${instant}`, () => {
    const offset = parisOffset.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    return `${parisClock(instant)} (${offset})`;
  });
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
