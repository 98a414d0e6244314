/**
 * The day a workflow run is for, from inside the run: its explicit date, else its `PartitionDate`
 * attribute, else its schedule's nominal time (resolve-partition.ts). Call from workflow code only.
 */
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { ErrorType } from './errors.js';
import { resolvePartition } from './resolve-partition.js';
import { PartitionDate, TemporalScheduledStartTime } from './search-attributes.js';

/** The run's day; fails the run (MissingPartition, not retried) rather than guess. */
export function runPartition(explicitDate: unknown): string {
  const attributes = workflowInfo().typedSearchAttributes;
  const resolved = resolvePartition({
    explicitDate,
    partitionDateAttribute: attributes.get(PartitionDate),
    scheduledStartTime: attributes.get(TemporalScheduledStartTime),
  });
  if (!resolved.ok) throw ApplicationFailure.nonRetryable(resolved.reason, ErrorType.MissingPartition);
  return resolved.date;
}
