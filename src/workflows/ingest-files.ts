import { ApplicationFailure, log, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType } from '../workflow-safe/errors.js';
import type { IngestFilesInput, IngestFilesOutput } from '../workflow-safe/ingest.js';
import { checkIngestFilesInput } from '../workflow-safe/inputs.js';
import { Dataset } from '../workflow-safe/search-attributes.js';
import { activityOptions } from './activity-options.js';
import { checkedInput } from './checked-input.js';
import { runDaysByRequest } from './day-requests.js';

/** Claiming reads every file of the batch whole; releasing reads each again before removing it. */
const io = proxyActivities<Activities>(activityOptions('dropClaim'));

/** Files named in a failure's message at most; the rest are counted. */
const NAMED_AT_MOST = 20;

function listed(lines: readonly string[]): string {
  const more = lines.length > NAMED_AT_MOST ? ` | … and ${lines.length - NAMED_AT_MOST} more` : '';
  return lines.slice(0, NAMED_AT_MOST).join(' | ') + more;
}

/**
 * ingestFiles: a batch of files in one dataset's inbox (a round of the SFTP pickup), ingested
 * together — every file claimed into its Paris days in one activity (a refused one quarantined
 * with its reason, the others going on), the union of their days asked of
 * `ingest-day/{dataset}/{date}` and waited for in the workflow as one file's ingestion does, then
 * each file whose every day succeeded removed from the inbox in one activity. A file another
 * ingestion had first is named in the output (`gone`), never a fault of the batch. Workflow ID
 * `ingest-batch/{dataset}/{hash of the files' keys}`. Safe to re-run: the same bytes claimed again
 * run nothing new. Fails non-retryably, after releasing the rest, when a file was refused or a day
 * failed, naming each; the files of a failed day stay in the inbox (`courant ingest --file` once
 * the cause is fixed), each failed day is a Failed `daily/{date}`.
 */
export async function ingestFiles(rawInput: IngestFilesInput): Promise<IngestFilesOutput> {
  const { dataset, files } = checkedInput(checkIngestFilesInput, rawInput);
  upsertSearchAttributes([{ key: Dataset, value: dataset }]);
  // `gone` is absent from the claims of 0.2.0's histories.
  const { claimed, refused, gone = [] } = await io.claimDrops({ dataset, files });

  const toRun = [...new Set(claimed.flatMap((file) => file.toRun))].sort();
  const failedDays = await runDaysByRequest(dataset, toRun);
  const failed = new Set(failedDays.map((f) => f.date));

  const names = new Map(files.map((f) => [f.inboxKey, f.name]));
  const whole = claimed.filter((file) => !file.toRun.some((date) => failed.has(date)));
  const released =
    whole.length === 0
      ? 0
      : await io.releaseDrops({
          files: whole.map((file) => {
            const fileName = names.get(file.inboxKey);
            return { inboxKey: file.inboxKey, sha256: file.sha256, ...(fileName ? { fileName } : {}) };
          }),
        });
  log.info('batch of dropped files ingested', {
    dataset,
    files: files.length,
    refused: refused.length,
    gone: gone.length,
    ran: toRun.length,
    failedDays: failedDays.length,
    released,
  });

  if (refused.length > 0 || failedDays.length > 0) {
    const kept = claimed.filter((file) => file.toRun.some((date) => failed.has(date))).map((f) => f.inboxKey);
    throw ApplicationFailure.create({
      type: failedDays.length > 0 ? ErrorType.DaysFailed : ErrorType.BadData,
      nonRetryable: true,
      message: [
        `${files.length - whole.length} of ${files.length} files of the batch were not ingested.`,
        refused.length > 0
          ? `Refused (quarantined with their reasons): ${listed(refused.map((r) => `${r.inboxKey}: ${r.reason}`))}.`
          : '',
        failedDays.length > 0
          ? `Days failed (their files stay in the inbox; fix the cause, then courant ingest --file each): ${listed(failedDays.map((f) => `${f.date}: ${f.error}`))}. Files kept: ${listed(kept)}.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    });
  }
  return {
    dataset,
    ingested: whole.map((file) => file.inboxKey),
    released,
    ran: toRun,
    ...(gone.length > 0 ? { gone } : {}),
  };
}
