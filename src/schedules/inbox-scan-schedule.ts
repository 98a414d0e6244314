/**
 * The inbox schedule as code: every N minutes (5 by default) it starts `inboxScan`, which starts an
 * `ingestDrop` for each file waiting in a dataset's inbox. Scans never overlap: one is skipped while
 * the previous one still lists (the ingestions themselves run on as their own workflows).
 */
import { HOUR_MS, type ScheduleDefinition } from './shape.js';
import type { InboxScanSettings } from './settings.js';

const MINUTE_MS = 60_000;

export function inboxScanSchedule(s: InboxScanSettings): ScheduleDefinition {
  return {
    scheduleId: s.scheduleId,
    options: {
      scheduleId: s.scheduleId,
      spec: { intervals: [{ every: s.everyMinutes * MINUTE_MS }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'inboxScan',
        workflowId: `scheduled/${s.scheduleId}`,
        taskQueue: s.taskQueue,
        args: [],
      },
      policies: { overlap: 'SKIP', catchupWindow: HOUR_MS, pauseOnFailure: false },
    },
    shape: {
      every: `${s.everyMinutes}m`,
      workflow: 'inboxScan',
      taskQueue: s.taskQueue,
      overlap: 'SKIP',
      catchupWindow: '1h',
      pauseOnFailure: 'false',
      input: JSON.stringify([]),
    },
  };
}
