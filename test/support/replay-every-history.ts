/**
 * Every workflow history the tests produced, replayed against the workflow bundle before the dev
 * server stops: a history that the code which wrote it cannot replay is a workflow that would hang
 * at its next worker (after a restart, or once evicted from the cache). Each such history is written
 * to test-artifacts/replay-failures/, ready to study or to add to test/replay/histories/.
 */
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';

/** Whether a history ends with its run: a running one's may end in a task its worker never finished. */
function closed(history: temporal.api.history.v1.IHistory | undefined): boolean {
  const last = history?.events?.at(-1);
  return (
    last != null &&
    [
      last.workflowExecutionCompletedEventAttributes,
      last.workflowExecutionFailedEventAttributes,
      last.workflowExecutionTimedOutEventAttributes,
      last.workflowExecutionCanceledEventAttributes,
      last.workflowExecutionTerminatedEventAttributes,
      last.workflowExecutionContinuedAsNewEventAttributes,
    ].some((attributes) => attributes != null)
  );
}

/** The name a marker's details give: a local activity's type, or a patch's ID. */
function markerDetail(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes): string {
  const payload = marker.details?.data?.payloads?.[0]?.data ?? marker.details?.patch_data?.payloads?.[0]?.data;
  if (!payload) return '';
  const detail: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
  if (typeof detail !== 'object' || detail === null) return '';
  const { activity_type: activityType, id } = detail as { activity_type?: unknown; id?: unknown };
  const name = activityType ?? id;
  return typeof name === 'string' ? name : '';
}

/** A history's shape: each event's type and the name it carries, payloads, times and IDs aside. */
function shapeOf(history: temporal.api.history.v1.IHistory): string {
  return (history.events ?? [])
    .map((e) =>
      [
        e.eventType,
        e.workflowExecutionStartedEventAttributes?.workflowType?.name,
        e.activityTaskScheduledEventAttributes?.activityType?.name,
        e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name,
        e.workflowExecutionSignaledEventAttributes?.signalName,
        e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName,
        e.markerRecordedEventAttributes ? markerDetail(e.markerRecordedEventAttributes) : undefined,
      ]
        .filter((part) => part != null)
        .join(':'),
    )
    .join(' ');
}

/** What `intoHistories` gives as a history: the decoded events. */
function isHistory(value: unknown): value is temporal.api.history.v1.IHistory {
  return typeof value === 'object' && value !== null && Array.isArray((value as { events?: unknown }).events);
}

/** Namespaces replayed at once. */
const NAMESPACES_AT_ONCE = 4;

export interface ReplayFailure {
  readonly namespace: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly message: string;
  /** Where the history was written. */
  readonly file: string;
}

export interface ReplayTally {
  /** Histories of the namespaces, and those replayed: one of each shape. */
  readonly histories: number;
  readonly replayed: number;
  readonly failures: readonly ReplayFailure[];
}

/** Replays every run of `namespaces` on the server at `address`; writes the histories that fail under `failuresDir`. */
export async function replayEveryHistory(options: {
  readonly address: string;
  readonly namespaces: readonly string[];
  readonly bundlePath: string;
  readonly failuresDir: string;
}): Promise<ReplayTally> {
  const connection = await Connection.connect({ address: options.address });
  const failures: ReplayFailure[] = [];
  const shapes = new Set<string>();
  let histories = 0;
  let replayed = 0;
  const replayNamespace = async (namespace: string) => {
    const client = new Client({ connection, namespace });
    // The histories fetched and not yet replayed, by workflow ID in the order they come (runs of one ID too).
    const fetched = new Map<string, Array<temporal.api.history.v1.IHistory | undefined>>();
    async function* ofNewShapes() {
      for await (const run of client.workflow.list().intoHistories({ concurrency: 8 })) {
        histories += 1;
        const history = isHistory(run.history) ? run.history : undefined;
        const shape = history ? shapeOf(history) : null;
        if (shape !== null && shapes.has(shape)) continue;
        if (shape !== null) shapes.add(shape);
        fetched.set(run.workflowId, [...(fetched.get(run.workflowId) ?? []), history]);
        yield run;
      }
    }
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: options.bundlePath } },
      ofNewShapes(),
    )) {
      replayed += 1;
      const history = fetched.get(result.workflowId)?.shift();
      // A running workflow whose worker stopped mid-task (a local activity in flight, which a replay
      // worker cannot run) fails its replay without a determinism fault: only such faults count there.
      if (!result.error || (!closed(history) && !(result.error instanceof DeterminismViolationError))) continue;
      await mkdir(options.failuresDir, { recursive: true });
      const file = path.join(
        options.failuresDir,
        `${namespace}_${result.workflowId.replaceAll(/[^\w.-]+/g, '_')}_${result.runId}.json`,
      );
      await writeFile(file, history ? historyToJSON(history) : '');
      failures.push({
        namespace,
        workflowId: result.workflowId,
        runId: result.runId,
        message: result.error.message,
        file,
      });
    }
  };
  try {
    // Namespaces side by side: fetching a history waits on the server, replaying it on the CPU.
    const atOnce = pLimit(NAMESPACES_AT_ONCE);
    await Promise.all(options.namespaces.map((namespace) => atOnce(() => replayNamespace(namespace))));
  } finally {
    await connection.close();
  }
  return { histories, replayed, failures };
}
