/**
 * Local times of RTE files (a `Date` and an `Heures` column, Europe/Paris wall-clock time, no
 * offset) → UTC instants, with an explicit rule for the two DST nights:
 *
 * - **March** (clocks go from 02:00 to 03:00): a wall-clock time in the skipped hour does not
 *   exist; a row carrying one is rejected, never shifted.
 * - **October** (clocks go from 03:00 back to 02:00): a wall-clock time in the repeated hour stands
 *   for two instants. Its first occurrence in the file (in file order, per source) is the earlier
 *   instant (summer time, UTC+2), its second occurrence the later one (winter time, UTC+1); a third
 *   occurrence is rejected. A file that lists the hour once gets the summer-time instants only, and
 *   the day shows the missing points in its completeness.
 */
import { isPartitionDate, parisOffsetMinutes } from '../../../workflow-safe/partition.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FRENCH_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
/** Paris is UTC+1 in winter, UTC+2 in summer. */
const PARIS_OFFSETS_MINUTES = [120, 60] as const;

/** `2016-06-01` or `01/06/2016` → `2016-06-01`; null when not a real calendar date. */
export function readRteDate(raw: string): string | null {
  const text = raw.trim();
  const iso = ISO_DATE.exec(text);
  const french = iso ? null : FRENCH_DATE.exec(text);
  const date = iso ? text : french ? `${french[3]}-${french[2]}-${french[1]}` : null;
  return date !== null && isPartitionDate(date) ? date : null;
}

/** `00:15`, `0:15` or `00:15:00` → `00:15`; null when not a time of day on the minute. */
export function readRteTime(raw: string): string | null {
  const m = TIME.exec(raw.trim());
  if (!m) return null;
  const [hours, minutes, seconds] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (hours > 23 || minutes > 59 || seconds !== 0) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/**
 * The UTC instants (ms) a Paris wall-clock time stands for, earliest first: none in the March
 * gap, two in the October repeated hour, one otherwise. `date` is `YYYY-MM-DD`, `time` `HH:MM`.
 */
export function parisWallClockInstants(date: string, time: string): number[] {
  const [y = 0, mo = 0, d = 0] = date.split('-').map(Number);
  const [h = 0, mi = 0] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  return PARIS_OFFSETS_MINUTES.map((offset) => asUtc - offset * 60_000)
    .filter((instant, i) => parisOffsetMinutes(instant) === PARIS_OFFSETS_MINUTES[i])
    .sort((a, b) => a - b);
}

export type WallClockReading =
  { readonly ok: true; readonly instant: number } | { readonly ok: false; readonly reason: string };

/**
 * Applies the rule above: `occurrence` is how many rows of the same source already carried this
 * date and time (0 for the first).
 */
export function wallClockInstant(date: string, time: string, occurrence: number): WallClockReading {
  const instants = parisWallClockInstants(date, time);
  const instant = instants[occurrence];
  if (instant !== undefined) return { ok: true, instant };
  if (instants.length === 0) {
    return {
      ok: false,
      reason: `${date} ${time} does not exist in Europe/Paris (the clocks skip that hour when summer time starts)`,
    };
  }
  return {
    ok: false,
    reason:
      instants.length === 2
        ? `${date} ${time} appears a third time (the repeated October hour can appear twice)`
        : `${date} ${time} appears twice`,
  };
}
