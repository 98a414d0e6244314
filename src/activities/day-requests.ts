/** Asking for runs of the days a file was claimed into: one `dayIngestion` per dataset and day. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { DAY_INGESTION_SIGNALS, type DayIngestionInput, type DayIngestionRequest } from '../workflow-safe/ingest.js';
import { workflowIds } from '../workflow-safe/keys.js';
import { partitionDateAttribute } from '../workflow-safe/partition.js';
import { Dataset, PartitionDate } from '../workflow-safe/search-attributes.js';
import type { DayIngestionWorkflow } from '../workflow-safe/workflow-types.js';

export interface RequestDayRunsInput {
  readonly dataset: DatasetName;
  readonly dates: readonly string[];
  /** The ingestion asking, answered by each day's `dayIngestionRan` signal. */
  readonly requester: string;
}

export function createDayRequestActivities(client: Client) {
  /**
   * Signals `ingest-day/{dataset}/{date}` for each date, starting it when it is not running (on
   * this activity's task queue). Idempotent: a request repeated before its run is one request; one
   * repeated after is answered by one more run.
   */
  async function requestDayRuns(input: RequestDayRunsInput): Promise<void> {
    const { taskQueue } = Context.current().info;
    const request: DayIngestionRequest = { requester: input.requester };
    for (const date of input.dates) {
      const args: [DayIngestionInput] = [{ dataset: input.dataset, date }];
      await client.workflow.signalWithStart<DayIngestionWorkflow, [DayIngestionRequest]>('dayIngestion', {
        workflowId: workflowIds.dayIngestion(input.dataset, date),
        taskQueue,
        args,
        signal: DAY_INGESTION_SIGNALS.requested,
        signalArgs: [request],
        typedSearchAttributes: [
          { key: Dataset, value: input.dataset },
          { key: PartitionDate, value: partitionDateAttribute(date) },
        ],
      });
    }
  }

  return { requestDayRuns };
}
