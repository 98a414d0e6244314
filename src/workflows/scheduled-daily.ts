import { upsertSearchAttributes } from '@temporalio/workflow';
import { partitionDateAttribute } from '../workflow-safe/partition.js';
import type { DailyPipelineOutput } from '../workflow-safe/pipeline.js';
import { runPartition } from '../workflow-safe/run-partition.js';
import { PartitionDate, RunKindAttribute } from '../workflow-safe/search-attributes.js';
import { runDay } from './run-day.js';

export interface ScheduledDailyInput {
  /** Set only to pin the day by hand; the schedule passes nothing and the day comes from its nominal time. */
  readonly date?: string;
}

/**
 * scheduledDaily: the daily schedule's action. Derives the day from the schedule's nominal time
 * (`TemporalScheduledStartTime`: the Paris day before it), never from "now", then runs
 * `daily/{date}` as a child with RunKind=scheduled — or waits for the run of that day already in
 * flight. Fails when the day cannot be known, or when the day fails.
 */
export async function scheduledDaily(input: ScheduledDailyInput = {}): Promise<DailyPipelineOutput> {
  const date = runPartition(input.date);
  upsertSearchAttributes([
    { key: PartitionDate, value: partitionDateAttribute(date) },
    { key: RunKindAttribute, value: 'scheduled' },
  ]);
  return runDay({ date, runKind: 'scheduled' });
}
