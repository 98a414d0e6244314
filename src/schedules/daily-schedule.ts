/**
 * The daily schedule as code: at HH:MM in its time zone (07:00 Europe/Paris by default) it starts
 * `scheduledDaily`, which runs the previous Paris day. What the code says is what `apply` makes true.
 */
import type { ScheduleDescription, ScheduleOptions } from '@temporalio/client';
import type { DailyScheduleSettings } from './settings.js';

const HOUR_MS = 3_600_000;

/** What `apply` compares: the schedule's meaning, in words an operator reads. */
export type ScheduleShape = Record<string, string>;

export function dailyScheduleOptions(s: DailyScheduleSettings): ScheduleOptions {
  return {
    scheduleId: s.scheduleId,
    spec: {
      calendars: [{ hour: s.hour, minute: s.minute, comment: 'daily run of the previous Paris day' }],
      timezone: s.timezone,
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledDaily',
      workflowId: `scheduled/${s.scheduleId}`,
      taskQueue: s.taskQueue,
      args: [{}],
    },
    policies: { overlap: s.overlap, catchupWindow: s.catchupWindowHours * HOUR_MS, pauseOnFailure: false },
  };
}

export function desiredShape(s: DailyScheduleSettings): ScheduleShape {
  return {
    time: `${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')}`,
    timezone: s.timezone,
    workflow: 'scheduledDaily',
    taskQueue: s.taskQueue,
    overlap: s.overlap,
    catchupWindow: `${s.catchupWindowHours}h`,
    pauseOnFailure: 'false',
  };
}

function calendarTime(description: ScheduleDescription): string {
  const calendars = description.spec.calendars ?? [];
  if (calendars.length !== 1) return `${calendars.length} calendars`;
  const [c] = calendars;
  const first = (ranges: ReadonlyArray<{ start: number; end: number }> | undefined) =>
    ranges && ranges.length === 1 && ranges[0]?.start === ranges[0]?.end ? String(ranges[0]?.start ?? '?') : 'many';
  return `${first(c?.hour).padStart(2, '0')}:${first(c?.minute).padStart(2, '0')}`;
}

export function describedShape(description: ScheduleDescription): ScheduleShape {
  return {
    time: calendarTime(description),
    timezone: description.spec.timezone ?? 'UTC',
    workflow: description.action.workflowType,
    taskQueue: description.action.taskQueue,
    overlap: String(description.policies.overlap),
    catchupWindow: `${Math.round(description.policies.catchupWindow / HOUR_MS)}h`,
    pauseOnFailure: String(description.policies.pauseOnFailure),
  };
}

/** `field: before → after` for every field that differs. */
export function shapeChanges(current: ScheduleShape, desired: ScheduleShape): string[] {
  return Object.keys(desired)
    .filter((k) => current[k] !== desired[k])
    .map((k) => `${k}: ${current[k] ?? '(none)'} → ${desired[k]}`);
}
