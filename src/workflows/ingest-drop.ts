import { ApplicationFailure, log, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import { ErrorType } from '../workflow-safe/errors.js';
import type { IngestDropInput, IngestDropOutput } from '../workflow-safe/ingest.js';
import { checkIngestDropInput } from '../workflow-safe/inputs.js';
import { checkedInput } from './checked-input.js';
import { Dataset } from '../workflow-safe/search-attributes.js';
import { runDaysByRequest } from './day-requests.js';
import { describeFailure } from './failure-messages.js';

/** Claiming reads the whole file and copies it into each of its days. */
const io = proxyActivities<Activities>(activityOptions('dropClaim'));

/**
 * ingestDrop: one file dropped in `inbox/{dataset}/` — claim it into the Paris days it covers, ask
 * `ingest-day/{dataset}/{date}` for a run of each day not yet succeeded with it and wait for the
 * answers, then remove it from the inbox once every one of its days succeeded. Files claimed into
 * the same day share its runs (a day already running is waited for, then run again: its run may not
 * hold this file). Workflow ID `ingest/{inboxKey}#{content hash}`. Safe to re-run: the same bytes
 * claimed again run nothing new.
 * Fails non-retryably when the file is refused (quarantined with its reason) or when a day fails
 * (the file stays in the inbox, each failed day is a Failed `daily/{date}`).
 */
export async function ingestDrop(rawInput: IngestDropInput): Promise<IngestDropOutput> {
  const input = checkedInput(checkIngestDropInput, rawInput);
  const { dataset, inboxKey } = input;
  upsertSearchAttributes([{ key: Dataset, value: dataset }]);
  const claim = await io
    .claimDrop({ dataset, inboxKey, ...(input.options ? { options: input.options } : {}) })
    .catch((error: unknown) => {
      const failure = describeFailure(error);
      throw ApplicationFailure.create({
        type: failure.type,
        nonRetryable: true,
        // The file is named once: by the failure's message when it starts with it.
        message: `${failure.message.startsWith(inboxKey) ? 'the file' : inboxKey} could not be claimed [${failure.type}]: ${failure.message}`,
        cause: error instanceof Error ? error : undefined,
      });
    });

  const failed = await runDaysByRequest(dataset, claim.toRun);

  if (failed.length > 0) {
    failed.sort((a, b) => a.date.localeCompare(b.date));
    throw ApplicationFailure.create({
      type: ErrorType.DaysFailed,
      nonRetryable: true,
      message:
        `${failed.length} of ${claim.toRun.length} days of ${inboxKey} failed; the file stays in the inbox. ` +
        `Fix the cause, then ingest it again (or re-run the failed days): ` +
        failed.map((f) => `${f.date}: ${f.error}`).join(' | '),
    });
  }
  const fileName = input.options?.fileName;
  const released = await io.releaseDrop({ inboxKey, sha256: claim.sha256, ...(fileName ? { fileName } : {}) });
  log.info('dropped file ingested', { dataset, inboxKey, days: claim.days.length, ran: claim.toRun.length, released });
  return { dataset, inboxKey, sha256: claim.sha256, days: claim.days, ran: claim.toRun, released };
}
