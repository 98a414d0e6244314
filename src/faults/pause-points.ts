/**
 * Named pause points, for fault drills: a process started with `COURANT_PAUSE_AT=<point>` stops
 * for good when its work reaches that point, after saying so, so that a drill can kill it (kill -9)
 * at a known place between two writes rather than at a moment found by timing
 * (docs/operations.md#fault-drills). Unset, every point returns at once.
 */
import { z } from 'zod';

/** The points a drill can name, each placed in the code right after the write it names. */
export const PAUSE_POINTS = [
  /** bill-month.ts: a new version's Parquet stored at its own key, the record not written yet. */
  'billing:version-written',
  /** bill-month.ts: the record names the new version, the month's Parquet not rewritten yet. */
  'billing:record-written',
] as const;

export type PausePoint = (typeof PAUSE_POINTS)[number];

/** `COURANT_PAUSE_AT`, part of courant's environment schema (src/config), so that a typo is refused at start. */
export const pauseEnvSchema = z.object({ COURANT_PAUSE_AT: z.enum(PAUSE_POINTS).optional() });

/** The line written to stderr when a point pauses the process; a drill waits for it. */
export const pausedLine = (point: PausePoint) => `paused at ${point}\n`;

/**
 * The point this process pauses at: its environment read at the first point reached, then kept
 * (empty counts as unset, as in src/config). Not at import: a value at fault is refused by the
 * configuration first, with every other problem.
 */
let pauseAt: PausePoint | null | undefined;

const goOn: Promise<void> = Promise.resolve();

/**
 * Returns at once (one string comparison) unless `COURANT_PAUSE_AT` names `point`; then writes
 * `paused at <point>` to stderr and never resolves: the work stays where it is, holding what it
 * holds (a lease, its heartbeats), until the process is killed. Throws (ZodError) if the variable
 * names no point.
 */
export function pausePoint(point: PausePoint): Promise<void> {
  pauseAt ??=
    pauseEnvSchema.parse({ COURANT_PAUSE_AT: process.env.COURANT_PAUSE_AT || undefined }).COURANT_PAUSE_AT ?? null;
  if (pauseAt !== point) return goOn;
  process.stderr.write(pausedLine(point));
  return new Promise<void>(() => undefined);
}
