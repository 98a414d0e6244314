/**
 * Which day a pipeline run is for (docs/architecture.md#the-partition): the explicit input first, then the run's
 * `PartitionDate` attribute (kept by Reset, lost by "start like this one" only if the input was
 * also edited away), then the schedule's nominal time (the Paris day before it). Never "now".
 */
import { isPartitionDate, parisDateOf, previousDate } from './partition.js';

export interface PartitionEvidence {
  readonly explicitDate?: unknown;
  readonly partitionDateAttribute?: Date;
  readonly scheduledStartTime?: Date;
}

export type ResolvedPartition =
  | {
      readonly ok: true;
      readonly date: string;
      readonly from: 'input' | 'PartitionDate' | 'TemporalScheduledStartTime';
    }
  | { readonly ok: false; readonly reason: string };

/** The Paris day a schedule firing at `scheduledTime` is for: the day before, in Paris. */
export function scheduledDay(scheduledTime: Date): string {
  return previousDate(parisDateOf(scheduledTime));
}

export function resolvePartition(evidence: PartitionEvidence): ResolvedPartition {
  if (evidence.explicitDate !== undefined) {
    if (typeof evidence.explicitDate === 'string' && isPartitionDate(evidence.explicitDate)) {
      return { ok: true, date: evidence.explicitDate, from: 'input' };
    }
    return {
      ok: false,
      reason: `the input date ${JSON.stringify(evidence.explicitDate)} is not a day written YYYY-MM-DD`,
    };
  }
  if (evidence.partitionDateAttribute) {
    return { ok: true, date: evidence.partitionDateAttribute.toISOString().slice(0, 10), from: 'PartitionDate' };
  }
  if (evidence.scheduledStartTime) {
    return { ok: true, date: scheduledDay(evidence.scheduledStartTime), from: 'TemporalScheduledStartTime' };
  }
  return {
    ok: false,
    reason:
      'the day is unknown: the input has no date, and the run has neither a PartitionDate nor a TemporalScheduledStartTime search attribute; start it with {"date":"YYYY-MM-DD"}',
  };
}
