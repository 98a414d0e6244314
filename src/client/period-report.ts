/** Asking for a period report and waiting for its build, from outside Temporal (the CLI). */
import type { PeriodReportWorkflow } from '../workflow-safe/workflow-types.js';
import { ServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { mainTaskQueue, workflowIds } from '../workflow-safe/keys.js';
import type { ReportPeriod } from '../workflow-safe/periods.js';
import {
  rebuildSignal,
  stateQuery,
  type PeriodReportState,
  type RebuildRequest,
} from '../workflow-safe/period-report-messages.js';

/**
 * Signal-with-starts `report/{period}` on the deployment's main task queue (given it or its
 * backfill queue): a rebuild, serialized with every other build of the period.
 */
export async function requestPeriodReport(
  client: Client,
  period: ReportPeriod,
  taskQueue: string,
  request: RebuildRequest = {},
) {
  return client.workflow.signalWithStart<PeriodReportWorkflow, [RebuildRequest?]>('periodReport', {
    workflowId: workflowIds.periodReport(period, taskQueue),
    taskQueue: mainTaskQueue(taskQueue),
    args: [{ period: period.name }],
    signal: rebuildSignal,
    signalArgs: request.now ? [{ now: true }] : [],
  });
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Poll interval. */
  readonly everyMs?: number;
}

/**
 * Waits until `report/{period}` has finished a build that started after every request it had
 * received when the wait began (or has completed), and returns its state. Null when no build of
 * the period was ever asked for.
 */
export async function waitForPeriodReport(
  client: Client,
  period: ReportPeriod,
  taskQueue: string,
  options: WaitOptions = {},
): Promise<PeriodReportState | null> {
  const handle = client.workflow.getHandle<PeriodReportWorkflow>(workflowIds.periodReport(period, taskQueue));
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const deadline = Date.now() + timeoutMs;
  let goal: number | undefined;
  let lastProblem: unknown = null;
  while (Date.now() < deadline) {
    try {
      const status = (await handle.describe()).status.name;
      if (status === 'COMPLETED') return await handle.result();
      if (status !== 'RUNNING') throw new Error(`${handle.workflowId} is ${status.toLowerCase()}`);
      const state = await handle.query(stateQuery);
      goal ??= state.requested;
      if (!state.building && state.built >= goal) return state;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return null;
      // A busy worker may not answer a query in time: ask again until the deadline.
      if (!(error instanceof ServiceError)) throw error;
      lastProblem = error;
    }
    await sleep(options.everyMs ?? 300);
  }
  throw new Error(`${handle.workflowId} did not finish a build within ${timeoutMs} ms`, { cause: lastProblem });
}

/** Asks for a rebuild of the period (signal-with-start), to start without a cooldown, and waits for it. */
export async function rebuildPeriodReport(
  client: Client,
  period: ReportPeriod,
  taskQueue: string,
  options: WaitOptions = {},
): Promise<PeriodReportState> {
  await requestPeriodReport(client, period, taskQueue, { now: true });
  const state = await waitForPeriodReport(client, period, taskQueue, options);
  if (state === null) throw new Error(`${workflowIds.periodReport(period, taskQueue)} was not started`);
  return state;
}
