/**
 * Snapshot slots: the collector takes a source once per slot of `everyMinutes` (a divisor of 60),
 * slots aligned on the hour, so a Paris day of 23, 24 or 25 hours has 23, 24 or 25 × 60 / every
 * slots. A slot is named by its Paris wall-clock start `HHMM`; in the hour repeated when clocks go
 * back, the second pass is `bis` (as in house numbers): `0215`, then `0215bis` an hour later.
 * Pure: workflows import it.
 */
import { parisDateOf, parisDayBounds, parisOffsetMinutes } from './partition.js';

const MINUTE_MS = 60_000;
const NAME_PATTERN = /^([01]\d|2[0-3])([0-5]\d)(bis)?$/;

/** The slot lengths allowed: those that divide an hour. */
export const SLOT_MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60] as const;

export interface Slot {
  /** The Paris day the slot belongs to. */
  readonly date: string;
  /** `HHMM`, or `HHMMbis` in the second pass of a repeated hour. */
  readonly name: string;
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
}

export function isSlotMinutes(value: number): boolean {
  return (SLOT_MINUTES as readonly number[]).includes(value);
}

function checkMinutes(everyMinutes: number): number {
  if (!isSlotMinutes(everyMinutes)) throw new RangeError(`a slot of ${everyMinutes} minutes does not divide an hour`);
  return everyMinutes;
}

function wallClock(instantMs: number): { hhmm: string; offset: number } {
  const offset = parisOffsetMinutes(instantMs);
  const local = new Date(instantMs + offset * MINUTE_MS);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return { hhmm: `${hh}${mm}`, offset };
}

function slotAt(startMs: number, everyMinutes: number): Slot {
  const { hhmm, offset } = wallClock(startMs);
  const hourEarlier = wallClock(startMs - 60 * MINUTE_MS);
  const repeated = hourEarlier.hhmm === hhmm && hourEarlier.offset > offset;
  return {
    date: parisDateOf(new Date(startMs)),
    name: repeated ? `${hhmm}bis` : hhmm,
    start: new Date(startMs),
    end: new Date(startMs + everyMinutes * MINUTE_MS),
  };
}

/** The slot an instant falls in. */
export function slotOf(instant: Date, everyMinutes: number): Slot {
  const step = checkMinutes(everyMinutes) * MINUTE_MS;
  return slotAt(Math.floor(instant.getTime() / step) * step, everyMinutes);
}

/** Every slot of the Paris day, in order. */
export function daySlots(date: string, everyMinutes: number): Slot[] {
  const step = checkMinutes(everyMinutes) * MINUTE_MS;
  const { start, end } = parisDayBounds(date);
  const slots: Slot[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += step) slots.push(slotAt(t, everyMinutes));
  return slots;
}

/** The start of the slot named `name` on the Paris day, or null when the day has no such slot. */
export function slotStart(date: string, name: string, everyMinutes: number): Date | null {
  if (!NAME_PATTERN.test(name)) return null;
  return daySlots(date, everyMinutes).find((s) => s.name === name)?.start ?? null;
}
