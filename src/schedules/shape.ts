/** A schedule as code and its meaning in words an operator reads, compared by `apply`. */
import type { ScheduleDescription, ScheduleOptions } from '@temporalio/client';

export const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** What `apply` compares: the schedule's meaning, field by field (`input`: the workflow's arguments as JSON). */
export type ScheduleShape = Record<string, string>;

export interface ScheduleDefinition {
  readonly scheduleId: string;
  readonly options: ScheduleOptions;
  /** The shape the options mean (what {@link describedShape} reads back from the server). */
  readonly shape: ScheduleShape;
}

/** The one day of the month a single calendar fires on, or null when it fires on many. */
function calendarDay(description: ScheduleDescription): string | null {
  const [c, ...others] = description.spec.calendars ?? [];
  const days = c?.dayOfMonth;
  if (others.length > 0 || days?.length !== 1 || days[0]?.start !== days[0]?.end) return null;
  return String(days[0]?.start);
}

function calendarTime(description: ScheduleDescription): string {
  const calendars = description.spec.calendars ?? [];
  if (calendars.length !== 1) return `${calendars.length} calendars`;
  const [c] = calendars;
  const first = (ranges: ReadonlyArray<{ start: number; end: number }> | undefined) =>
    ranges && ranges.length === 1 && ranges[0]?.start === ranges[0]?.end ? String(ranges[0]?.start ?? '?') : 'many';
  return `${first(c?.hour).padStart(2, '0')}:${first(c?.minute).padStart(2, '0')}`;
}

function interval(description: ScheduleDescription): string {
  const intervals = description.spec.intervals ?? [];
  const [only] = intervals;
  if (intervals.length !== 1 || !only) return `${intervals.length} intervals`;
  return lengthText(Number(only.every));
}

/** A length of time in words: whole minutes as `Nm`, less than a minute in seconds. */
export function lengthText(ms: number): string {
  return ms >= MINUTE_MS ? `${Math.round(ms / MINUTE_MS)}m` : `${Math.round(ms / 1_000)}s`;
}

/** A catch-up window in words: whole hours as `Nh`, shorter ones in minutes (seconds under a minute). */
export function windowText(ms: number): string {
  return ms >= HOUR_MS ? `${Math.round(ms / HOUR_MS)}h` : lengthText(ms);
}

/** The shape of the schedule as the server has it (time of day or interval, whichever it has). */
export function describedShape(description: ScheduleDescription): ScheduleShape {
  const when: ScheduleShape =
    (description.spec.intervals ?? []).length > 0
      ? { every: interval(description) }
      : { time: calendarTime(description), timezone: description.spec.timezone ?? 'UTC' };
  const day = calendarDay(description);
  if (day !== null) when.dayOfMonth = day;
  return {
    ...when,
    workflow: description.action.workflowType,
    taskQueue: description.action.taskQueue,
    overlap: String(description.policies.overlap),
    catchupWindow: windowText(description.policies.catchupWindow),
    pauseOnFailure: String(description.policies.pauseOnFailure),
    input: JSON.stringify(description.action.args),
  };
}

/** `field: before → after` for every field that differs. */
export function shapeChanges(current: ScheduleShape, desired: ScheduleShape): string[] {
  return Object.keys(desired)
    .filter((k) => current[k] !== desired[k])
    .map((k) => `${k}: ${current[k] ?? '(none)'} → ${desired[k]}`);
}

/**
 * A schedule that starts `workflowType` with `args` every `everyMinutes`, as `scheduled/{id}`;
 * runs never overlap (one is skipped while the previous one runs), a missed run is caught up
 * within the hour.
 */
export function everyMinutesSchedule(s: {
  readonly scheduleId: string;
  readonly taskQueue: string;
  readonly workflowType: string;
  readonly everyMinutes: number;
  readonly args: unknown[];
}): ScheduleDefinition {
  return {
    scheduleId: s.scheduleId,
    options: {
      scheduleId: s.scheduleId,
      spec: { intervals: [{ every: s.everyMinutes * MINUTE_MS }] },
      action: {
        type: 'startWorkflow',
        workflowType: s.workflowType,
        workflowId: `scheduled/${s.scheduleId}`,
        taskQueue: s.taskQueue,
        args: s.args,
      },
      policies: { overlap: 'SKIP', catchupWindow: HOUR_MS, pauseOnFailure: false },
    },
    shape: {
      every: `${s.everyMinutes}m`,
      workflow: s.workflowType,
      taskQueue: s.taskQueue,
      overlap: 'SKIP',
      catchupWindow: '1h',
      pauseOnFailure: 'false',
      input: JSON.stringify(s.args),
    },
  };
}
