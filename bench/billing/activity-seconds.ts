/**
 * How long the activities of a workflow's latest run took, from its history (started to
 * completed, per activity type): the billing benches split a `courant billing --month`'s wall time
 * into the billing in the worker (`billStoredMonth`) and the rest (start-up, request, wait, print).
 */
import type { Client } from '@temporalio/client';
import { ms } from '../orchestration/history.js';

/** Seconds per activity type in run `runId` of `workflowId` (its latest by default), every attempt that completed summed. */
export async function activitySeconds(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<Record<string, number>> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const types = new Map<string, string>();
  const started = new Map<string, number>();
  const seconds: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(id, scheduled.activityType?.name ?? 'unknown');
    if (event.activityTaskStartedEventAttributes) started.set(id, ms(event.eventTime));
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const from = started.get(String(done.startedEventId));
      const type = types.get(String(done.scheduledEventId)) ?? 'unknown';
      if (from !== undefined) seconds[type] = (seconds[type] ?? 0) + (ms(event.eventTime) - from) / 1000;
    }
  }
  return seconds;
}
