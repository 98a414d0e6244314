/**
 * The snapshot schedule as code: every SNAPSHOT_EVERY_MINUTES (15 by default, aligned on the hour)
 * it starts `collectSnapshots` for the slot of its nominal time. Each slot is its own run (the
 * schedule appends the time to the workflow ID), so runs may overlap; after an outage, only slots
 * still under way are caught up — a slot past its end cannot be collected any more.
 */
import { windowText, type ScheduleDefinition } from './shape.js';
import type { SnapshotScheduleSettings } from './settings.js';

const MINUTE_MS = 60_000;

export function snapshotSchedule(s: SnapshotScheduleSettings): ScheduleDefinition {
  const slotMs = s.everyMinutes * MINUTE_MS;
  return {
    scheduleId: s.scheduleId,
    options: {
      scheduleId: s.scheduleId,
      spec: { intervals: [{ every: slotMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'collectSnapshots',
        workflowId: `scheduled/${s.scheduleId}`,
        taskQueue: s.taskQueue,
        args: [{ everyMinutes: s.everyMinutes }],
      },
      policies: { overlap: 'ALLOW_ALL', catchupWindow: slotMs, pauseOnFailure: false },
    },
    shape: {
      every: `${s.everyMinutes}m`,
      workflow: 'collectSnapshots',
      taskQueue: s.taskQueue,
      overlap: 'ALLOW_ALL',
      catchupWindow: windowText(slotMs),
      pauseOnFailure: 'false',
      input: JSON.stringify([{ everyMinutes: s.everyMinutes }]),
    },
  };
}
