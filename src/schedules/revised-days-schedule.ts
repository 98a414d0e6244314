/**
 * The revised-days schedule as code: every N hours (24 by default) it starts `revisedDays`, which
 * runs again the provisional days whose revision is now published (weather: once the archive has
 * the day; eCO2mix: once ODRÉ has a newer nature), looking back `REVISED_DAYS_LOOKBACK_DAYS` days.
 * Checks never overlap: one is skipped while the previous one still runs.
 */
import { HOUR_MS, type ScheduleDefinition } from './shape.js';
import type { RevisedDaysSettings } from './settings.js';

export function revisedDaysSchedule(s: RevisedDaysSettings): ScheduleDefinition {
  const args = [{ lookbackDays: s.lookbackDays }];
  return {
    scheduleId: s.scheduleId,
    options: {
      scheduleId: s.scheduleId,
      spec: { intervals: [{ every: s.everyHours * HOUR_MS }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'revisedDays',
        workflowId: `scheduled/${s.scheduleId}`,
        taskQueue: s.taskQueue,
        args,
      },
      policies: { overlap: 'SKIP', catchupWindow: HOUR_MS, pauseOnFailure: false },
    },
    shape: {
      every: `${s.everyHours * 60}m`,
      workflow: 'revisedDays',
      taskQueue: s.taskQueue,
      overlap: 'SKIP',
      catchupWindow: '1h',
      pauseOnFailure: 'false',
      input: JSON.stringify(args),
    },
  };
}
