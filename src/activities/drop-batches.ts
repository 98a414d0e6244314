/**
 * Batches of dropped files, as the SFTP pickup fetches them (`ingestFiles`): each file claimed and
 * released as `claimDrop` and `releaseDrop` do one file, a batch in one activity, so that a backlog
 * of thousands of deliveries costs a few activities a round rather than a workflow and three
 * activities a file. A file refused (quarantined with its reason) is an outcome of the batch, not
 * its failure; a transient fault fails the activity, and its retry skips the files already done
 * (the heartbeat's details).
 */
import { Context } from '@temporalio/activity';
import type { WorkflowClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { DatasetName } from '../workflow-safe/datasets.js';
import type { BatchFile, ClaimedFile, GoneFile, RefusedFile } from '../workflow-safe/ingest.js';
import { inboxContentOf, workflowIds } from '../workflow-safe/keys.js';
import { ingestionStates } from '../client/ingestion-state.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { ActivityDeps } from './deps.js';
import { createDropActivities, removeIfUnchanged, retireRefusalsOf, type ReleasedDrop } from './drops.js';
import { heartbeatProgress } from './heartbeat.js';

/** Files of a batch claimed or released at once: their reads and writes overlap, their parses queue for the dataset's turn. */
const FILES_AT_ONCE = 4;

export interface ClaimDropsOutput {
  readonly claimed: readonly ClaimedFile[];
  readonly refused: readonly RefusedFile[];
  /** Files no longer in the inbox when read: another ingestion had them, or they were removed. */
  readonly gone: readonly GoneFile[];
}

const fileAndWhy = z.object({ inboxKey: z.string(), reason: z.string() });
const progressSchema = z.object({
  claimed: z.array(
    z.object({ inboxKey: z.string(), sha256: z.string(), days: z.array(z.string()), toRun: z.array(z.string()) }),
  ),
  refused: z.array(fileAndWhy),
  gone: z.array(fileAndWhy).default([]),
});

/** A batch's outcomes so far, from the heartbeat of an earlier attempt; none on the first. */
function doneBefore(): ClaimDropsOutput {
  const details: unknown = Context.current().info.heartbeatDetails;
  const parsed = progressSchema.safeParse(details);
  return parsed.success ? parsed.data : { claimed: [], refused: [], gone: [] };
}

export function createDropBatchActivities(deps: ActivityDeps, workflows: WorkflowClient) {
  const { claimDrop } = createDropActivities(deps, workflows);

  /** Why `inboxKey` left the inbox before the batch read it: its own ingestion, when the server knows it. */
  async function whyGone(inboxKey: string): Promise<string> {
    const content = inboxContentOf(inboxKey);
    const own = content === null ? undefined : workflowIds.ingest(inboxKey, content);
    const state = own === undefined ? undefined : (await ingestionStates(workflows, [own])).get(own);
    if (own !== undefined && state !== undefined)
      return `ingested by ${own} (${state.running ? 'running' : 'closed'}), not by this batch`;
    return 'removed from the inbox before the batch read it';
  }

  /**
   * Claims each file of the batch as `claimDrop` does (idempotent: the same bytes claimed again
   * change nothing). A file refused — of unknown shape, encrypted under another key, holding no
   * day — is quarantined with its reason and listed as refused; a file no longer in the inbox
   * (another ingestion had it, docs/architecture.md "Who has a delivery") is listed as gone with
   * why; the others go on. A transient fault fails the activity, retried: files already claimed,
   * refused or gone in an earlier attempt are not read again.
   */
  async function claimDrops(input: {
    readonly dataset: DatasetName;
    readonly files: readonly BatchFile[];
  }): Promise<ClaimDropsOutput> {
    const before = doneBefore();
    const claimed = [...before.claimed];
    const refused = [...before.refused];
    const gone = [...before.gone];
    const done = new Set([...claimed, ...refused, ...gone].map((f) => f.inboxKey));
    const limit = pLimit(FILES_AT_ONCE);
    await Promise.all(
      input.files
        .filter((file) => !done.has(file.inboxKey))
        .map((file) =>
          limit(async () => {
            try {
              const claim = await claimDrop({
                dataset: input.dataset,
                inboxKey: file.inboxKey,
                ...(file.name ? { options: { fileName: file.name } } : {}),
              });
              claimed.push({ inboxKey: file.inboxKey, ...claim, days: [...claim.days], toRun: [...claim.toRun] });
            } catch (error) {
              if (error instanceof ObjectNotFoundError && error.key === file.inboxKey)
                gone.push({ inboxKey: file.inboxKey, reason: await whyGone(file.inboxKey) });
              else if (error instanceof ApplicationFailure && error.nonRetryable)
                refused.push({ inboxKey: file.inboxKey, reason: `[${error.type ?? 'Error'}] ${error.message}` });
              else throw error;
            }
            heartbeatProgress({ claimed, refused, gone });
          }),
        ),
    );
    const order = new Map(input.files.map((f, i) => [f.inboxKey, i]));
    const byInput = (a: { inboxKey: string }, b: { inboxKey: string }) =>
      (order.get(a.inboxKey) ?? 0) - (order.get(b.inboxKey) ?? 0);
    Context.current().log.info('claimed a batch of dropped files', {
      dataset: input.dataset,
      files: input.files.length,
      claimed: claimed.length,
      refused: refused.length,
      gone: gone.map((f) => `${f.inboxKey}: ${f.reason}`),
    });
    return { claimed: claimed.sort(byInput), refused: refused.sort(byInput), gone: gone.sort(byInput) };
  }

  /**
   * Releases each file as `releaseDrop` does (removed from the inbox if it still holds the same
   * bytes, its delivery delay observed), then retires the earlier refusals of their names in one
   * pass over the quarantine; returns how many were removed. Idempotent: a file already released
   * is left alone.
   */
  async function releaseDrops(input: { readonly files: readonly ReleasedDrop[] }): Promise<number> {
    const limit = pLimit(FILES_AT_ONCE);
    const removed = await Promise.all(input.files.map((file) => limit(() => removeIfUnchanged(deps, file))));
    const read = removed.filter((file) => file !== null);
    await retireRefusalsOf(deps, read);
    return read.length;
  }

  return { claimDrops, releaseDrops };
}
