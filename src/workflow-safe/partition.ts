/**
 * Partition maths. A pipeline day is `YYYY-MM-DD`, the calendar day in Europe/Paris:
 * the instants [D 00:00 Europe/Paris, D+1 00:00 Europe/Paris), 23, 24 or 25 hours long.
 * Pure and deterministic: workflows import it. Nothing here reads the clock; callers pass `now`.
 */

export const PARTITION_TIMEZONE = 'Europe/Paris';

/** First day any dataset can hold (eCO2mix national history starts in 2012). */
export const MIN_PARTITION_DATE = '2012-01-01';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

export interface ParisDayBounds {
  /** Inclusive start: D 00:00 Europe/Paris as a UTC instant. */
  readonly start: Date;
  /** Exclusive end: D+1 00:00 Europe/Paris as a UTC instant. */
  readonly end: Date;
  /** 23, 24 or 25. */
  readonly hours: number;
}

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARTITION_TIMEZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function partsOf(instantMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parisParts.formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return out;
}

function field(parts: Record<string, number>, name: string): number {
  const value = parts[name];
  if (value === undefined) throw new Error(`Intl did not return the ${name} of a date`);
  return value;
}

function offsetFromParts(instantMs: number): number {
  const p = partsOf(instantMs);
  const asUtc = Date.UTC(
    field(p, 'year'),
    field(p, 'month') - 1,
    field(p, 'day'),
    field(p, 'hour'),
    field(p, 'minute'),
    field(p, 'second'),
  );
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

const MS_PER_HOUR = 3_600_000;
/** Offsets of UTC days found whole (the same at both ends), by day since the epoch; emptied when full. */
const offsetOfDay = new Map<number, number>();
/** Offsets of UTC hours found whole, in the days that hold a change; emptied when full. */
const offsetOfHour = new Map<number, number>();
const SPANS_KEPT = 16_384;

/**
 * The offset of the span of `length` ms that holds `instantMs`, when it is the same at its first and
 * last millisecond, kept in `known`; null when the offset changes within the span.
 */
function offsetOfSpan(known: Map<number, number>, instantMs: number, length: number): number | null {
  const span = Math.floor(instantMs / length);
  const kept = known.get(span);
  if (kept !== undefined) return kept;
  const first = offsetFromParts(span * length);
  if (offsetFromParts(span * length + length - 1) !== first) return null;
  if (known.size >= SPANS_KEPT) known.clear();
  known.set(span, first);
  return first;
}

/**
 * Offset of Europe/Paris from UTC at an instant, in ms (whole seconds). Asking Intl is the costly
 * part of placing a day's instants (a report asks it for every quarter-hour, a backfill for every
 * day), so the offset of a UTC day found the same at its first and last millisecond is kept for the
 * day, and in a day that holds a change, that of each such hour (Paris never changed its offset
 * twice within a day: its changes are 98 days apart at least from 1890 to 2100, as Intl gives them);
 * an hour that holds a change is asked instant by instant.
 */
export function parisOffsetMs(instantMs: number): number {
  return (
    offsetOfSpan(offsetOfDay, instantMs, MS_PER_DAY) ??
    offsetOfSpan(offsetOfHour, instantMs, MS_PER_HOUR) ??
    offsetFromParts(instantMs)
  );
}

/** Offset of Europe/Paris from UTC at an instant, in minutes (60 in winter, 120 in summer). */
export function parisOffsetMinutes(instantMs: number): number {
  return Math.round(parisOffsetMs(instantMs) / MS_PER_MINUTE);
}

/** True when `value` is a real calendar date written `YYYY-MM-DD`. */
export function isPartitionDate(value: string): boolean {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [, y, mo, d] = m.map(Number) as [number, number, number, number];
  const utc = new Date(Date.UTC(y, mo - 1, d));
  return utc.getUTCFullYear() === y && utc.getUTCMonth() === mo - 1 && utc.getUTCDate() === d;
}

function assertPartitionDate(date: string): void {
  if (!isPartitionDate(date)) throw new RangeError(`"${date}" is not a date written YYYY-MM-DD`);
}

/** Midnight UTC of the day, the value of the `PartitionDate` search attribute. */
export function partitionDateAttribute(date: string): Date {
  assertPartitionDate(date);
  return new Date(`${date}T00:00:00.000Z`);
}

/** Local midnight Europe/Paris of a date as a UTC instant (Paris midnight never falls in a DST gap). */
function parisMidnightMs(date: string): number {
  const naive = partitionDateAttribute(date).getTime();
  const firstGuess = naive - parisOffsetMinutes(naive) * MS_PER_MINUTE;
  return naive - parisOffsetMinutes(firstGuess) * MS_PER_MINUTE;
}

/** The day after `date`, as a partition date. */
export function nextDate(date: string): string {
  return new Date(partitionDateAttribute(date).getTime() + MS_PER_DAY).toISOString().slice(0, 10);
}

/** The day before `date`, as a partition date. */
export function previousDate(date: string): string {
  return new Date(partitionDateAttribute(date).getTime() - MS_PER_DAY).toISOString().slice(0, 10);
}

/** UTC bounds and length of a Paris day. */
export function parisDayBounds(date: string): ParisDayBounds {
  const start = parisMidnightMs(date);
  const end = parisMidnightMs(nextDate(date));
  return { start: new Date(start), end: new Date(end), hours: Math.round((end - start) / 3_600_000) };
}

/** Number of points of `stepMinutes` in a Paris day: 92, 96 or 100 quarter-hours. */
export function expectedPoints(date: string, stepMinutes: number): number {
  return (parisDayBounds(date).hours * 60) / stepMinutes;
}

/** The Paris calendar day that contains an instant. */
export function parisDateOf(instant: Date): string {
  const p = partsOf(instant.getTime());
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${field(p, 'year')}-${pad(field(p, 'month'))}-${pad(field(p, 'day'))}`;
}

/** Inclusive list of dates from `from` to `to`; empty when `to` is before `from`. */
export function datesInRange(from: string, to: string): string[] {
  assertPartitionDate(from);
  assertPartitionDate(to);
  const out: string[] = [];
  for (let d = from; d <= to; d = nextDate(d)) out.push(d);
  return out;
}

/** Why a day written YYYY-MM-DD does not exist: `2024-02-30` → February 2024 has 29 days. */
function nonexistentDay(date: string): string {
  const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  if (month < 1 || month > 12) return `${date} does not exist: a year has months 01 to 12`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${date} does not exist: ${date.slice(0, 7)} has ${days} days`;
}

/** Why a date cannot be a pipeline day (malformed, before the first day, after yesterday), or null. */
export function partitionDateProblem(date: string, now: Date): string | null {
  if (!isPartitionDate(date))
    return DATE_PATTERN.test(date) ? nonexistentDay(date) : `"${date}" is not a date written YYYY-MM-DD`;
  if (date < MIN_PARTITION_DATE) return `${date} is before ${MIN_PARTITION_DATE}, the first supported day`;
  const today = parisDateOf(now);
  if (date >= today) return `${date} is not over yet in ${PARTITION_TIMEZONE} (today is ${today})`;
  return null;
}
