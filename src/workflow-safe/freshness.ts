/**
 * Freshness: when a dataset's day is due. A dataset declares how many hours after the end of the
 * Paris day its data is expected (eCO2mix: 7, so D+1 07:00 Paris); a day past that time without a
 * succeeded run is late. Pure.
 */
import { PARTITION_TIMEZONE, parisDateOf, parisDayBounds, previousDate } from './partition.js';

const PARIS_MINUTE = new Intl.DateTimeFormat('sv-SE', {
  timeZone: PARTITION_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** `2026-11-23 07:00 Paris`: a due time as people read it. */
export function parisDueTime(at: Date): string {
  return `${PARIS_MINUTE.format(at)} Paris`;
}

/** The instant the data of the Paris day `date` is due, `hours` after the day's end. */
export function dueAt(date: string, hours: number): Date {
  return new Date(parisDayBounds(date).end.getTime() + hours * 3_600_000);
}

/** True when the day is due by `now` (and so late unless it succeeded). */
export function isDue(date: string, hours: number | null, now: Date): boolean {
  return hours !== null && dueAt(date, hours).getTime() <= now.getTime();
}

/** The newest Paris day whose data is due by `now`. */
export function latestDueDay(hours: number, now: Date): string {
  return previousDate(parisDateOf(new Date(now.getTime() - hours * 3_600_000)));
}
