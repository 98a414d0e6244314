/** Operating the schedules: apply (idempotent upsert), describe, pause, unpause, trigger, backfill. */
import { ScheduleNotFoundError, type Client, type ScheduleOverlapPolicy } from '@temporalio/client';
import { nextDate, parisDayBounds } from '../workflow-safe/partition.js';
import { describedShape, shapeChanges, type ScheduleDefinition } from './shape.js';

export type ApplyResult =
  | { readonly action: 'created' }
  | { readonly action: 'updated'; readonly changes: string[] }
  | { readonly action: 'unchanged' };

/** Creates the schedule, or updates it when the server's differs from the code; says which. */
export async function applySchedule(client: Client, definition: ScheduleDefinition): Promise<ApplyResult> {
  const handle = client.schedule.getHandle(definition.scheduleId);
  let current;
  try {
    current = await handle.describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await client.schedule.create(definition.options);
    return { action: 'created' };
  }
  const changes = shapeChanges(describedShape(current), definition.shape);
  if (changes.length === 0) return { action: 'unchanged' };
  const desired = definition.options;
  await handle.update((previous) => ({
    ...previous,
    spec: desired.spec,
    action: desired.action,
    policies: desired.policies,
  }));
  return { action: 'updated', changes };
}

export async function describeSchedule(client: Client, scheduleId: string) {
  const description = await client.schedule.getHandle(scheduleId).describe();
  return {
    shape: describedShape(description),
    paused: description.state.paused,
    note: description.state.note ?? null,
    nextActionTimes: description.info.nextActionTimes.slice(0, 3),
    recentActions: description.info.recentActions.slice(-5).map((a) => ({
      scheduledAt: a.scheduledAt,
      workflowId: a.action.workflow.workflowId,
    })),
  };
}

/**
 * The schedule's own backfill for the Paris days `from`..`to`: the day D runs at its nominal time
 * on D+1, so the window is the Paris days from+1 .. to+1.
 */
export async function backfillSchedule(
  client: Client,
  scheduleId: string,
  days: { readonly from: string; readonly to: string },
  overlap: ScheduleOverlapPolicy,
): Promise<void> {
  await client.schedule.getHandle(scheduleId).backfill({
    start: parisDayBounds(nextDate(days.from)).start,
    end: parisDayBounds(nextDate(days.to)).end,
    overlap,
  });
}
