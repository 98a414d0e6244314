/** What `run --wait` and `demo` print while a day runs and when it ends. */
import type { DailyPipelineWorkflow } from '../workflow-safe/workflow-types.js';
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { failureChain } from '../client/failure-text.js';
import { PipelineFailedError } from './errors.js';
import { pauseUnless } from './pause.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { workflowIds } from '../workflow-safe/keys.js';
import type { DailyPipelineOutput } from '../workflow-safe/pipeline.js';
import { PipelineStageAttribute } from '../workflow-safe/search-attributes.js';

/** The day's outcome per dataset, then its report keys unless `withReportKeys` is false (the caller lists them). */
export function printDayResult(
  out: NodeJS.WritableStream,
  workflowId: string,
  result: DailyPipelineOutput,
  withReportKeys = true,
): void {
  out.write(`${workflowId} succeeded\n`);
  for (const d of result.datasets) {
    const completeness = d.completeness === null ? 'n/a' : `${(d.completeness * 100).toFixed(1)}%`;
    out.write(
      `  ${d.dataset}: ${d.rows.read} rows read, ${d.rows.written} written, ${d.rows.rejected} rejected` +
        `${d.rows.rejected > 0 ? ` (in quarantine/${d.dataset}/dt=${result.date}/)` : ''}; completeness ${completeness}\n`,
    );
  }
  if (withReportKeys) out.write(`  report: ${result.reportKeys.join(', ')}\n`);
}

/**
 * Prints each dataset's stage when it changes, from the search attributes of the children of the
 * daily run `parentRunId` — never of an earlier run's children, which keep the same workflow IDs.
 */
export function watchProgress(
  client: Client,
  date: string,
  parentRunId: string,
  datasets: DatasetName[],
  out: NodeJS.WritableStream,
) {
  const stopped = new AbortController();
  const seen = new Map<string, string>();
  const poll = async () => {
    for (const dataset of datasets) {
      const description = await client.workflow
        .getHandle(workflowIds.datasetDay(dataset, date))
        .describe()
        .catch((error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return null;
          throw error;
        });
      if (description?.parentExecution?.runId !== parentRunId) continue;
      const stage = description.typedSearchAttributes.get(PipelineStageAttribute);
      const line = stage ? `${stage} (${description.status.name.toLowerCase()})` : null;
      if (line && seen.get(dataset) !== line) {
        seen.set(dataset, line);
        out.write(`  ${dataset}: ${line}\n`);
      }
    }
  };
  const loop = async () => {
    while (!stopped.signal.aborted) {
      await poll();
      await pauseUnless(500, stopped.signal);
    }
  };
  const running = loop();
  return {
    /** Stops polling, after printing the stages the children ended in. */
    async stop() {
      stopped.abort();
      await running;
      await poll();
    },
  };
}

/**
 * Waits for the run of a day that `handle` started (or attached to), printing each dataset's stage,
 * then the result (and the report's keys, unless told not to); a failed day is a PipelineFailedError.
 */
export async function awaitDay(
  client: Client,
  handle: WorkflowHandleWithFirstExecutionRunId<DailyPipelineWorkflow>,
  date: string,
  datasets: DatasetName[],
  out: NodeJS.WritableStream,
  options: { readonly withReportKeys?: boolean } = {},
): Promise<void> {
  const progress = watchProgress(client, date, handle.firstExecutionRunId, datasets, out);
  let result: DailyPipelineOutput;
  try {
    result = await handle.result();
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      throw new PipelineFailedError(`${handle.workflowId} failed\n${failureChain(error.cause ?? error)}`);
    }
    throw error;
  } finally {
    // The stages the children ended in come before the result, not after it.
    await progress.stop();
  }
  printDayResult(out, handle.workflowId, result, options.withReportKeys);
}
