/**
 * Snapshot slots: the collector takes a source once per slot of `everyMinutes` (a divisor of 60),
 * slots aligned on the hour, so a Paris day of 23, 24 or 25 hours has 23, 24 or 25 × 60 / every
 * slots. A slot is named by its Paris wall-clock start `HHMM`; in the hour repeated when clocks go
 * back, the second pass is `bis` (as in house numbers): `0215`, then `0215bis` an hour later.
 * A slot shorter than a minute (`everySeconds`, which no configuration sets: tests watch the
 * collector over seconds with it) is named `HHMMSS`, likewise.
 * Pure: workflows import it.
 */
import { parisDateOf, parisDayBounds, parisOffsetMinutes } from './partition.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const NAME_PATTERN = /^([01]\d|2[0-3])([0-5]\d)(bis)?$/;
const SECONDS_NAME_PATTERN = /^([01]\d|2[0-3])([0-5]\d){2}(bis)?$/;

/** The slot lengths allowed: those that divide an hour. */
export const SLOT_MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60] as const;

/** The slot lengths under a minute allowed, in seconds: those that divide a minute. */
export const SLOT_SECONDS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;

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

export function isSlotSeconds(value: number): boolean {
  return (SLOT_SECONDS as readonly number[]).includes(value);
}

function minutesStep(everyMinutes: number): number {
  if (!isSlotMinutes(everyMinutes)) throw new RangeError(`a slot of ${everyMinutes} minutes does not divide an hour`);
  return everyMinutes * MINUTE_MS;
}

function secondsStep(everySeconds: number): number {
  if (!isSlotSeconds(everySeconds)) throw new RangeError(`a slot of ${everySeconds} seconds does not divide a minute`);
  return everySeconds * SECOND_MS;
}

/** The Paris wall clock at an instant, as `HHMM` (or `HHMMSS` when `withSeconds`), and its offset. */
function wallClock(instantMs: number, withSeconds: boolean): { name: string; offset: number } {
  const offset = parisOffsetMinutes(instantMs);
  const local = new Date(instantMs + offset * MINUTE_MS);
  const parts = [local.getUTCHours(), local.getUTCMinutes(), ...(withSeconds ? [local.getUTCSeconds()] : [])];
  return { name: parts.map((part) => String(part).padStart(2, '0')).join(''), offset };
}

function slotAt(startMs: number, stepMs: number): Slot {
  const withSeconds = stepMs < MINUTE_MS;
  const { name, offset } = wallClock(startMs, withSeconds);
  const hourEarlier = wallClock(startMs - 60 * MINUTE_MS, withSeconds);
  const repeated = hourEarlier.name === name && hourEarlier.offset > offset;
  return {
    date: parisDateOf(new Date(startMs)),
    name: repeated ? `${name}bis` : name,
    start: new Date(startMs),
    end: new Date(startMs + stepMs),
  };
}

function slotOfStep(instant: Date, stepMs: number): Slot {
  return slotAt(Math.floor(instant.getTime() / stepMs) * stepMs, stepMs);
}

/** The slot an instant falls in. */
export function slotOf(instant: Date, everyMinutes: number): Slot {
  return slotOfStep(instant, minutesStep(everyMinutes));
}

/** The slot an instant falls in, for slots shorter than a minute. */
export function slotOfSeconds(instant: Date, everySeconds: number): Slot {
  return slotOfStep(instant, secondsStep(everySeconds));
}

/** Every slot of the Paris day, in order. */
export function daySlots(date: string, everyMinutes: number): Slot[] {
  const step = minutesStep(everyMinutes);
  const { start, end } = parisDayBounds(date);
  const slots: Slot[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += step) slots.push(slotAt(t, step));
  return slots;
}

/** The start of the slot named `name` on the Paris day, or null when the day has no such slot. */
export function slotStart(date: string, name: string, everyMinutes: number): Date | null {
  if (!NAME_PATTERN.test(name)) return null;
  return daySlots(date, everyMinutes).find((s) => s.name === name)?.start ?? null;
}

/** The start of the slot shorter than a minute named `name` (`HHMMSS`) on the Paris day, or null. */
export function slotStartSeconds(date: string, name: string, everySeconds: number): Date | null {
  const stepMs = secondsStep(everySeconds);
  const match = SECONDS_NAME_PATTERN.exec(name);
  if (!match) return null;
  const seconds = Number(name.slice(4, 6));
  const minute = slotStart(date, `${name.slice(0, 4)}${match[3] ?? ''}`, 1);
  return minute && (seconds * SECOND_MS) % stepMs === 0 ? new Date(minute.getTime() + seconds * SECOND_MS) : null;
}
