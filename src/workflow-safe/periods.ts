/**
 * Report periods: a day (`YYYY-MM-DD`), a month (`YYYY-MM`), a year (`YYYY`) of Paris days, and
 * the index of every report (`index`). Each has one report, one `reports` record keyed by its
 * name and one `periodReport` workflow that serializes its builds. Pure: workflows import it.
 */
import { datesInRange, isPartitionDate } from './partition.js';

export type ReportPeriod =
  | { readonly kind: 'day'; readonly name: string }
  | { readonly kind: 'month'; readonly name: string }
  | { readonly kind: 'year'; readonly name: string }
  | { readonly kind: 'index'; readonly name: 'index' };

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
const YEAR_PATTERN = /^\d{4}$/;

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

export function isYear(value: string): boolean {
  return YEAR_PATTERN.test(value);
}

/** `2016-06-01`, `2016-06`, `2016` or `index` → the period, or null when it is none of them. */
export function parsePeriod(value: string): ReportPeriod | null {
  if (value === 'index') return { kind: 'index', name: 'index' };
  if (isPartitionDate(value)) return { kind: 'day', name: value };
  if (isMonth(value)) return { kind: 'month', name: value };
  if (isYear(value)) return { kind: 'year', name: value };
  return null;
}

/** The month of a day: `2016-06-01` → `2016-06`. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The year of a day or month: `2016-06` → `2016`. */
export function yearOf(dateOrMonth: string): string {
  return dateOrMonth.slice(0, 4);
}

/** Every day of a month, in order. */
export function datesOfMonth(month: string): string[] {
  if (!isMonth(month)) throw new RangeError(`"${month}" is not a month written YYYY-MM`);
  const [year = 0, m = 0] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return datesInRange(`${month}-01`, `${month}-${String(last).padStart(2, '0')}`);
}

/** The twelve months of a year, in order. */
export function monthsOfYear(year: string): string[] {
  if (!isYear(year)) throw new RangeError(`"${year}" is not a year written YYYY`);
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** Every day of a year, in order. */
export function datesOfYear(year: string): string[] {
  return monthsOfYear(year).flatMap(datesOfMonth);
}

/** Whose report a period's report feeds: a day its month, a month its year, a year the index. */
export function parentPeriod(period: ReportPeriod): ReportPeriod | null {
  switch (period.kind) {
    case 'day':
      return { kind: 'month', name: monthOf(period.name) };
    case 'month':
      return { kind: 'year', name: yearOf(period.name) };
    case 'year':
      return { kind: 'index', name: 'index' };
    case 'index':
      return null;
  }
}

/** The path segment of a period in storage keys and workflow IDs: `dt=…`, `month=…`, `year=…`, `index`. */
export function periodSegment(period: ReportPeriod): string {
  switch (period.kind) {
    case 'day':
      return `dt=${period.name}`;
    case 'month':
      return `month=${period.name}`;
    case 'year':
      return `year=${period.name}`;
    case 'index':
      return 'index';
  }
}
