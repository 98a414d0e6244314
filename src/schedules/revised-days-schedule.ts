/**
 * The revised-days schedule as code: every N hours (24 by default) it starts `revisedDays`, which
 * runs again the provisional days whose revision is now published (weather: once the archive has
 * the day; eCO2mix: once ODRÉ has a newer nature), looking back `REVISED_DAYS_LOOKBACK_DAYS` days.
 * Checks never overlap: one is skipped while the previous one still runs.
 */
import { everyMinutesSchedule, type ScheduleDefinition } from './shape.js';
import type { RevisedDaysSettings } from './settings.js';

export function revisedDaysSchedule(s: RevisedDaysSettings): ScheduleDefinition {
  return everyMinutesSchedule({
    scheduleId: s.scheduleId,
    taskQueue: s.taskQueue,
    workflowType: 'revisedDays',
    everyMinutes: s.everyHours * 60,
    args: [{ lookbackDays: s.lookbackDays }],
  });
}
