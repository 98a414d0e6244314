/**
 * The daily schedule as code: at HH:MM in its time zone (07:00 Europe/Paris by default) it starts
 * `scheduledDaily`, which runs the previous Paris day. What the code says is what `apply` makes true.
 */
import { HOUR_MS, type ScheduleDefinition } from './shape.js';
import type { DailyScheduleSettings } from './settings.js';

export function dailySchedule(s: DailyScheduleSettings): ScheduleDefinition {
  return {
    scheduleId: s.scheduleId,
    options: {
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
    },
    shape: {
      time: `${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')}`,
      timezone: s.timezone,
      workflow: 'scheduledDaily',
      taskQueue: s.taskQueue,
      overlap: s.overlap,
      catchupWindow: `${s.catchupWindowHours}h`,
      pauseOnFailure: 'false',
      input: JSON.stringify([{}]),
    },
  };
}
