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

/** `1234567` → `1,234,567`. */
function groupThousands(integer: string): string {
  let grouped = integer.slice(0, ((integer.length - 1) % 3) + 1);
  for (let at = grouped.length; at < integer.length; at += 3) grouped += `,${integer.slice(at, at + 3)}`;
  return grouped;
}

/**
 * What Intl's en-GB format writes for `value` with at most `digits` decimals, without asking it:
 * ICU rounds the shortest decimal text of a double (`String(value)`), half away from zero, and
 * keeps the sign of a value rounded to 0. Null for what it leaves to Intl: text with an exponent,
 * and -0.
 */
function plainDecimal(value: number, digits: number): string | null {
  const text = String(value);
  if (text.includes('e') || Object.is(value, -0)) return null;
  const sign = value < 0 ? '-' : '';
  const unsigned = sign ? text.slice(1) : text;
  const dot = unsigned.indexOf('.');
  if (dot < 0) return sign + groupThousands(unsigned);
  const decimals = unsigned.length - dot - 1;
  if (decimals <= digits) return sign + groupThousands(unsigned.slice(0, dot)) + unsigned.slice(dot);
  let kept = unsigned.slice(0, dot) + unsigned.slice(dot + 1, dot + 1 + digits);
  if (unsigned.charCodeAt(dot + 1 + digits) >= 53 /* '5' */) kept = incremented(kept);
  const integer = kept.slice(0, kept.length - digits);
  const fraction = kept.slice(kept.length - digits).replace(/0+$/, '');
  return sign + groupThousands(integer) + (fraction ? `.${fraction}` : '');
}

/** A string of decimal digits plus one: `199` → `200`, `99` → `100`. */
function incremented(digitText: string): string {
  let at = digitText.length - 1;
  while (at >= 0 && digitText[at] === '9') at -= 1;
  if (at < 0) return `1${'0'.repeat(digitText.length)}`;
  return digitText.slice(0, at) + String(Number(digitText[at]) + 1) + '0'.repeat(digitText.length - at - 1);
}

/**
 * The most decimals a number is written with: Node 20's Intl refuses more, newer releases' accept up
 * to 100. Checked here so that what is refused does not depend on the release.
 */
const MAX_DIGITS = 20;

/**
 * `1,657,710.8`: grouped thousands, at most `digits` decimals (as Intl's en-GB format writes
 * them); `–` for null. The text holds digits, `,`, `.`, `-` and `–` only: safe in HTML as it is.
 * A RangeError when `digits` is not an integer from 0 to MAX_DIGITS, whatever the value.
 */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > MAX_DIGITS) {
    throw new RangeError(`a number is written with 0 to ${MAX_DIGITS} decimals, not ${digits}`);
  }
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const plain = plainDecimal(value, digits);
  if (plain !== null) return plain;
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

const twoDigits = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * `14:15` in Paris for an instant (ms or ISO): the instant moved by the Paris offset of its hour
 * (parisOffsetMs), as Intl writes it with `hourCycle: 'h23'` and without asking it for each
 * of a day's quarter-hours, which is the costly part of drawing a report's charts.
 */
export function parisClock(instant: number | string): string {
  const ms = new Date(instant).getTime();
  return clockAt(ms, parisOffsetMs(ms));
}

/** `14:15`: the UTC clock of an instant (ms) moved by `offsetMs`. */
function clockAt(ms: number, offsetMs: number): string {
  const local = new Date(ms + offsetMs);
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
  return `${clockAt(ms, offset)} (${name})`;
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
