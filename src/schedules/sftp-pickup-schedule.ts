/**
 * The SFTP pickup as code: every N seconds (30 by default) it starts `sftpPickup`, which fetches
 * the new files of each configured SFTP server into its dataset's inbox and starts their
 * ingestions. Pickups never overlap: one is skipped while the previous one still fetches; a
 * pickup missed while the service was down is not caught up beyond a minute (the next one fetches
 * everything new anyway).
 */
import { lengthText, windowText, type ScheduleDefinition } from './shape.js';
import type { SftpPickupSettings } from './settings.js';

const CATCHUP_MS = 60_000;

export function sftpPickupSchedule(s: SftpPickupSettings): ScheduleDefinition {
  const everyMs = s.everySeconds * 1000;
  return {
    scheduleId: s.scheduleId,
    options: {
      scheduleId: s.scheduleId,
      spec: { intervals: [{ every: everyMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'sftpPickup',
        workflowId: `scheduled/${s.scheduleId}`,
        taskQueue: s.taskQueue,
        args: [],
      },
      policies: { overlap: 'SKIP', catchupWindow: CATCHUP_MS, pauseOnFailure: false },
    },
    shape: {
      every: lengthText(everyMs),
      workflow: 'sftpPickup',
      taskQueue: s.taskQueue,
      overlap: 'SKIP',
      catchupWindow: windowText(CATCHUP_MS),
      pauseOnFailure: 'false',
      input: JSON.stringify([]),
    },
  };
}
