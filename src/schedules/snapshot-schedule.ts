/**
 * The snapshot schedule as code: every SNAPSHOT_EVERY_MINUTES (15 by default, aligned on the hour)
 * it starts `collectSnapshots` for the slot of its nominal time. Each slot is its own run (the
 * schedule appends the time to the workflow ID), so runs may overlap; after an outage, only slots
 * still under way are caught up — a slot past its end cannot be collected any more.
 */
import { z } from 'zod';
import { isSlotSeconds, SLOT_SECONDS } from '../workflow-safe/slots.js';
import type { CollectSnapshotsInput } from '../workflow-safe/snapshots.js';
import { lengthText, windowText, type ScheduleDefinition } from './shape.js';
import type { SnapshotScheduleSettings } from './settings.js';

const MINUTE_MS = 60_000;

/**
 * A slot shorter than a minute, in seconds, in place of the configured minutes. No configuration
 * sets it: a test passes it to watch the collector over seconds.
 */
const slotSecondsSchema = z
  .number()
  .int()
  .refine(isSlotSeconds, { message: `must divide a minute: one of ${SLOT_SECONDS.join(', ')}` });

export function snapshotSchedule(
  s: SnapshotScheduleSettings,
  pace: { everySeconds?: number } = {},
): ScheduleDefinition {
  const everySeconds = pace.everySeconds === undefined ? undefined : slotSecondsSchema.parse(pace.everySeconds);
  const slotMs = everySeconds === undefined ? s.everyMinutes * MINUTE_MS : everySeconds * 1_000;
  const input: CollectSnapshotsInput =
    everySeconds === undefined ? { everyMinutes: s.everyMinutes } : { everyMinutes: s.everyMinutes, everySeconds };
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
        args: [input],
      },
      policies: { overlap: 'ALLOW_ALL', catchupWindow: slotMs, pauseOnFailure: false },
    },
    shape: {
      every: lengthText(slotMs),
      workflow: 'collectSnapshots',
      taskQueue: s.taskQueue,
      overlap: 'ALLOW_ALL',
      catchupWindow: windowText(slotMs),
      pauseOnFailure: 'false',
      input: JSON.stringify([input]),
    },
  };
}
