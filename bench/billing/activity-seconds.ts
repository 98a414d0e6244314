/**
 * How long the activities of a workflow's latest run took, from its history (started to
 * completed, per activity type): the billing benches split a `courant billing --month`'s wall time
 * into the billing in the worker (`billStoredMonth`) and the rest (start-up, request, wait, print).
 */
import type { Client } from '@temporalio/client';

type Stamp = { seconds?: unknown; nanos?: number | null } | null | undefined;

function millis(stamp: Stamp): number {
  if (!stamp) return Number.NaN;
  const whole = stamp.seconds;
  const s =
    typeof whole === 'object' && whole !== null && 'toNumber' in whole
      ? (whole as { toNumber(): number }).toNumber()
      : Number(whole ?? 0);
  return s * 1000 + (stamp.nanos ?? 0) / 1e6;
}

/** Seconds per activity type in the latest run of `workflowId`, every attempt that completed summed. */
export async function activitySeconds(client: Client, workflowId: string): Promise<Record<string, number>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const types = new Map<string, string>();
  const started = new Map<string, number>();
  const seconds: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(id, scheduled.activityType?.name ?? 'unknown');
    if (event.activityTaskStartedEventAttributes) started.set(id, millis(event.eventTime));
    const done = event.activityTaskCompletedEventAttributes;
    if (done) {
      const from = started.get(String(done.startedEventId));
      const type = types.get(String(done.scheduledEventId)) ?? 'unknown';
      if (from !== undefined) seconds[type] = (seconds[type] ?? 0) + (millis(event.eventTime) - from) / 1000;
    }
  }
  return seconds;
}
