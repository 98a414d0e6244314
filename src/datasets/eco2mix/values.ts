/** Reading single eCO2mix cells: measures (with their spellings of "missing") and instants. */

export type CellReading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Spellings of a missing value, compared trimmed and case-insensitively. */
const MISSING_TOKENS: ReadonlySet<string> = new Set(['', 'nd', '-', 'null']);
const NUMBER_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const MAX_OFFSET_MINUTES = 14 * 60;

/** True for the cell values that mean "no value": empty, `ND`, `-`, `null`. */
export function isMissingValue(raw: string): boolean {
  return MISSING_TOKENS.has(raw.trim().toLowerCase());
}

/** A measure: null when missing, a finite number written with `.` as decimal point, else an error. */
export function readMeasure(raw: string): CellReading<number | null> {
  if (isMissingValue(raw)) return { ok: true, value: null };
  const text = raw.trim();
  if (!NUMBER_PATTERN.test(text)) return { ok: false, reason: 'not a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, reason: 'number out of range' };
  return { ok: true, value };
}

function offsetMinutes(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/**
 * An instant written ISO-8601 with `Z` or a UTC offset (`2021-12-01T00:00:00+01:00`),
 * as an ISO-8601 UTC string (`2021-11-30T23:00:00.000Z`). A local time without offset is refused:
 * it is ambiguous on the October DST night.
 */
export function readInstant(raw: string): CellReading<string> {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'date_heure is empty' };
  const m = INSTANT_PATTERN.exec(text);
  if (!m) {
    const reason = LOCAL_TIME_PATTERN.test(text)
      ? 'date_heure has no UTC offset'
      : 'date_heure is not an ISO-8601 instant';
    return { ok: false, reason };
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((part) => Number(part ?? '0')) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const offset = offsetMinutes(m[8] ?? 'Z');
  const valid =
    local.getUTCFullYear() === y &&
    local.getUTCMonth() === mo - 1 &&
    local.getUTCDate() === d &&
    local.getUTCHours() === h &&
    local.getUTCMinutes() === mi &&
    local.getUTCSeconds() === s &&
    Math.abs(offset) <= MAX_OFFSET_MINUTES;
  if (!valid) return { ok: false, reason: 'date_heure is not a valid date and time' };
  return { ok: true, value: new Date(local.getTime() - offset * 60_000).toISOString() };
}
