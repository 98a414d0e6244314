/**
 * The inbox schedule as code: every N minutes (5 by default) it starts `inboxScan`, which starts an
 * `ingestDrop` for each file waiting in a dataset's inbox. Scans never overlap: one is skipped while
 * the previous one still lists (the ingestions themselves run on as their own workflows).
 */
import { everyMinutesSchedule, type ScheduleDefinition } from './shape.js';
import type { InboxScanSettings } from './settings.js';

export function inboxScanSchedule(s: InboxScanSettings): ScheduleDefinition {
  return everyMinutesSchedule({
    scheduleId: s.scheduleId,
    taskQueue: s.taskQueue,
    workflowType: 'inboxScan',
    everyMinutes: s.everyMinutes,
    args: [],
  });
}
