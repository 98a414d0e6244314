/** How long a day's workflows spent inside activities, from their histories. */
import type { Client } from '@temporalio/client';

type Stamp = { seconds?: unknown; nanos?: number | null } | null | undefined;

/** A protobuf timestamp in milliseconds; its seconds may be a Long. */
export function ms(stamp: Stamp): number {
  if (!stamp) return Number.NaN;
  const seconds = stamp.seconds;
  const whole =
    typeof seconds === 'object' && seconds !== null && 'toNumber' in seconds
      ? (seconds as { toNumber(): number }).toNumber()
      : Number(seconds ?? 0);
  return whole * 1000 + (stamp.nanos ?? 0) / 1e6;
}

/** [start, end] of every activity attempt that completed in a workflow's history. */
async function activityIntervals(client: Client, workflowId: string): Promise<Array<[number, number]>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const started = new Map<string, number>();
  const intervals: Array<[number, number]> = [];
  for (const event of history.events ?? []) {
    if (event.activityTaskStartedEventAttributes) started.set(String(event.eventId), ms(event.eventTime));
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const start = started.get(String(completed.startedEventId));
      if (start !== undefined) intervals.push([start, ms(event.eventTime)]);
    }
  }
  return intervals;
}

/** Seconds covered by at least one activity of the given workflows (parallel activities count once). */
export async function secondsInActivities(client: Client, workflowIds: readonly string[]): Promise<number> {
  const intervals = (await Promise.all(workflowIds.map((id) => activityIntervals(client, id))))
    .flat()
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [start, stop] of intervals) {
    if (stop <= end) continue;
    covered += stop - Math.max(start, end);
    end = stop;
  }
  return covered / 1000;
}

/**
 * How long each workflow or activity task waited between being scheduled and being picked up by
 * the worker, in seconds, for the given workflows: the price of each round trip to the server.
 */
export async function dispatchWaits(client: Client, workflowIds: readonly string[]): Promise<number[]> {
  const waits: number[] = [];
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = new Map<string, number>();
    for (const event of history.events ?? []) {
      if (event.workflowTaskScheduledEventAttributes || event.activityTaskScheduledEventAttributes) {
        scheduled.set(String(event.eventId), ms(event.eventTime));
      }
      const started = event.workflowTaskStartedEventAttributes ?? event.activityTaskStartedEventAttributes;
      const at = started ? scheduled.get(String(started.scheduledEventId)) : undefined;
      if (at !== undefined) waits.push((ms(event.eventTime) - at) / 1000);
    }
  }
  return waits;
}

/** One event of a day's workflows: when it happened after the first, in which workflow, what it was. */
export interface TimelineEvent {
  readonly ms: number;
  readonly workflowId: string;
  readonly event: string;
}

/**
 * Every event of the given workflows in time order, each at its offset from the first, with `besides`
 * (events seen outside the server, `at` in epoch milliseconds) among them.
 */
export async function dayTimeline(
  client: Client,
  workflowIds: readonly string[],
  besides: ReadonlyArray<{ readonly at: number; readonly workflowId: string; readonly event: string }> = [],
): Promise<TimelineEvent[]> {
  const events: Array<{ at: number; workflowId: string; event: string }> = [...besides];
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    for (const event of history.events ?? []) {
      const attributes = Object.keys(event).find(
        (k) => k.endsWith('EventAttributes') && event[k as keyof typeof event],
      );
      const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
      const marker = event.markerRecordedEventAttributes?.markerName;
      const name = (attributes ?? 'event').replace(/EventAttributes$/, '');
      events.push({ at: ms(event.eventTime), workflowId, event: [name, activity ?? marker].filter(Boolean).join(' ') });
    }
  }
  events.sort((a, b) => a.at - b.at);
  const first = events[0]?.at ?? 0;
  return events.map((e) => ({ ms: e.at - first, workflowId: e.workflowId, event: e.event }));
}
