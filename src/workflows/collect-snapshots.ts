import { ApplicationFailure, log, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { snapshotOptions } from './activity-options.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { partitionDateAttribute } from '../workflow-safe/partition.js';
import { PartitionDate, TemporalScheduledStartTime } from '../workflow-safe/search-attributes.js';
import { isSlotMinutes, isSlotSeconds, slotOf, slotOfSeconds } from '../workflow-safe/slots.js';
import type {
  CollectSnapshotsInput,
  CollectSnapshotsOutput,
  SnapshotSlot,
  SnapshotTaken,
} from '../workflow-safe/snapshots.js';
import { describeFailure } from './failure-messages.js';
import { localRecordKeeping } from './local-activities.js';

/** Retries within the slot only: the activity's schedule-to-close is the time left in the slot. */
function snapshotActivities(msLeft: number) {
  return proxyActivities<Activities>(snapshotOptions(msLeft));
}

function inputOf(raw: unknown): CollectSnapshotsInput {
  const given = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const { everyMinutes, everySeconds, at } = given;
  if (typeof everyMinutes !== 'number' || !isSlotMinutes(everyMinutes))
    throw ApplicationFailure.nonRetryable(
      `everyMinutes must divide an hour, got ${JSON.stringify(everyMinutes)}`,
      ErrorType.InvalidInput,
    );
  if (everySeconds !== undefined && (typeof everySeconds !== 'number' || !isSlotSeconds(everySeconds)))
    throw ApplicationFailure.nonRetryable(
      `everySeconds must divide a minute, got ${JSON.stringify(everySeconds)}`,
      ErrorType.InvalidInput,
    );
  if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at))))
    throw ApplicationFailure.nonRetryable(
      `at must be an ISO-8601 instant, got ${JSON.stringify(at)}`,
      ErrorType.InvalidInput,
    );
  return {
    everyMinutes,
    ...(everySeconds === undefined ? {} : { everySeconds }),
    ...(at === undefined ? {} : { at }),
  };
}

/**
 * collectSnapshots: the snapshot schedule's action — takes, in the slot of the schedule's nominal
 * time (or of `at`), a snapshot of every source of the datasets collected (Vélib' station status
 * every slot, lists once a day), each side by side and retried only while the slot lasts. A source
 * not taken within its slot stays missing for that slot: the run then fails (SnapshotsMissed,
 * naming each source and why) so that an operator sees the gap; the others are stored. Safe to
 * re-run: a slot stored is kept, and a late answer is never stored.
 */
export async function collectSnapshots(rawInput: CollectSnapshotsInput): Promise<CollectSnapshotsOutput> {
  const input = inputOf(rawInput);
  const nominal =
    input.at !== undefined
      ? new Date(input.at)
      : (workflowInfo().typedSearchAttributes.get(TemporalScheduledStartTime) ?? workflowInfo().startTime);
  const at =
    input.everySeconds === undefined ? slotOf(nominal, input.everyMinutes) : slotOfSeconds(nominal, input.everySeconds);
  const slot: SnapshotSlot = { date: at.date, name: at.name, start: at.start.toISOString(), end: at.end.toISOString() };
  upsertSearchAttributes([{ key: PartitionDate, value: partitionDateAttribute(slot.date) }]);
  const sources = await localRecordKeeping.collectedSources();
  const msLeft = at.end.getTime() - Date.now();
  const taken: SnapshotTaken[] = [];
  const missed: Array<{ dataset: string; source: string; reason: string }> = [];
  if (msLeft < 1_000) {
    for (const s of sources)
      missed.push({ ...s, reason: `slot ${slot.date} ${slot.name} had ended when the run started` });
  } else {
    const { takeSnapshot } = snapshotActivities(msLeft);
    await Promise.all(
      sources.map(async (s) => {
        try {
          const result = await takeSnapshot({ ...s, slot });
          taken.push(result);
          if (result.outcome === 'late') missed.push({ ...s, reason: 'the source answered after the slot ended' });
        } catch (error) {
          missed.push({ ...s, reason: describeFailure(error).message });
        }
      }),
    );
  }
  if (missed.length > 0)
    throw ApplicationFailure.create({
      type: ErrorType.SnapshotsMissed,
      nonRetryable: true,
      message:
        `slot ${slot.date} ${slot.name} (Europe/Paris) stays empty for ${missed.length} source(s): ` +
        missed.map((m) => `${m.dataset}/${m.source}: ${m.reason}`).join(' | '),
    });
  const stored = taken.filter((t) => t.outcome === 'taken').length;
  if (stored > 0) log.info('snapshots taken', { date: slot.date, slot: slot.name, stored });
  return { slot, taken: taken.sort((a, b) => a.key.localeCompare(b.key)) };
}
