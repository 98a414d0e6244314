/** Starting a backfill: `backfill/{id}` on the main task queue, tagged for the Web UI. */
import type { BackfillWorkflow } from '../workflow-safe/workflow-types.js';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { BackfillInput } from '../workflow-safe/backfill.js';
import { workflowIds } from '../workflow-safe/keys.js';
import { BackfillId, RunKindAttribute } from '../workflow-safe/search-attributes.js';

/** A readable, unique id: the range, the mode and a short random suffix. */
export function newBackfillId(input: Pick<BackfillInput, 'from' | 'to' | 'mode'>): string {
  return `${input.from}_${input.to}_${input.mode}_${randomUUID().slice(0, 8)}`;
}

export async function startBackfill(client: Client, input: BackfillInput, id: string, taskQueue: string) {
  return client.workflow.start<BackfillWorkflow>('backfill', {
    workflowId: workflowIds.backfill(id),
    taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: RunKindAttribute, value: 'backfill' },
      { key: BackfillId, value: id },
    ],
  });
}
