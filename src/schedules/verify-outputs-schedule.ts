/**
 * The output verification schedule as code (created only with VERIFY_SCHEDULE_ENABLED=true):
 * every N hours (24 by default) it starts `verifyOutputsScheduled`, which checks the outputs of the
 * succeeded days of the last `VERIFY_LOOKBACK_DAYS` days against their records, as `courant verify`
 * does, and marks those found wanting. Runs never overlap: one is skipped while the previous runs.
 */
import { everyMinutesSchedule, type ScheduleDefinition } from './shape.js';
import type { VerifyScheduleSettings } from './settings.js';

export function verifyOutputsSchedule(s: VerifyScheduleSettings): ScheduleDefinition {
  return everyMinutesSchedule({
    scheduleId: s.scheduleId,
    taskQueue: s.taskQueue,
    workflowType: 'verifyOutputsScheduled',
    everyMinutes: s.everyHours * 60,
    args: [{ lookbackDays: s.lookbackDays }],
  });
}
