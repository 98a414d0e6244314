/**
 * The monthly billing as code (created when the enedis dataset is registered): on day N of each
 * month (the 2nd by default) at HH:MM Paris (09:00), once the daily run has taken the month's last
 * day, it starts `scheduledBilling`, which asks `billing/{YYYY-MM}` to bill the month before. A
 * month is billed again by itself when one of its days arrives late; a run missed while the
 * service was down is caught up within a week.
 */
import { PARTITION_TIMEZONE } from '../workflow-safe/partition.js';
import { HOUR_MS, type ScheduleDefinition } from './shape.js';
import type { BillingScheduleSettings } from './settings.js';

const CATCHUP_HOURS = 24 * 7;

export function billingSchedule(s: BillingScheduleSettings): ScheduleDefinition {
  return {
    scheduleId: s.scheduleId,
    options: {
      scheduleId: s.scheduleId,
      spec: {
        calendars: [
          { dayOfMonth: s.day, hour: s.hour, minute: s.minute, comment: 'monthly billing of the month before' },
        ],
        timezone: PARTITION_TIMEZONE,
      },
      action: {
        type: 'startWorkflow',
        workflowType: 'scheduledBilling',
        workflowId: `scheduled/${s.scheduleId}`,
        taskQueue: s.taskQueue,
        args: [{}],
      },
      policies: { overlap: 'SKIP', catchupWindow: CATCHUP_HOURS * HOUR_MS, pauseOnFailure: false },
    },
    shape: {
      dayOfMonth: String(s.day),
      time: `${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')}`,
      timezone: PARTITION_TIMEZONE,
      workflow: 'scheduledBilling',
      taskQueue: s.taskQueue,
      overlap: 'SKIP',
      catchupWindow: `${CATCHUP_HOURS}h`,
      pauseOnFailure: 'false',
      input: JSON.stringify([{}]),
    },
  };
}
