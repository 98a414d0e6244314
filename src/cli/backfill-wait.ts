/** Following a backfill to its end: the progress bar (or lines), then the summary. */
import type { BackfillWorkflow } from '../workflow-safe/workflow-types.js';
import type { WorkflowHandle } from '@temporalio/client';
import type { BackfillProgress, BackfillSummary } from '../workflow-safe/backfill.js';
import { progressQuery } from '../workflow-safe/backfill-messages.js';
import { troubleLine, workflowTaskTrouble } from '../client/workflow-task-trouble.js';
import { progressLine, summaryTable } from './backfill-progress.js';
import type { OutputStream } from './context.js';
import { pauseUnless } from './pause.js';

/** How often the progress is asked for; the backfill's end is seen as it comes, not at the next tick. */
const PROGRESS_EVERY_MS = 500;

/**
 * How long a progress query may take: a workflow whose task keeps failing holds a query until the
 * server gives up on it (half a minute), when its trouble is what there is to show.
 */
const QUERY_DEADLINE_MS = 5_000;

/**
 * The line shown while the progress cannot be asked for: the backfill's workflow task failing (its
 * worker cannot run it), or nothing when the cause is elsewhere (the server busy, a worker starting).
 */
async function blockedLine(handle: WorkflowHandle<BackfillWorkflow>): Promise<string | null> {
  const trouble = await workflowTaskTrouble(handle.client, handle.workflowId).catch(() => null);
  return trouble
    ? `blocked: ${troubleLine(trouble)} — nothing of the backfill moves until a worker that can run it answers (courant status lists it)`
    : null;
}

/**
 * Prints progress until the backfill ends, then its summary table; returns the summary. While its
 * workflow task keeps failing, says so instead of the last progress.
 */
export async function followBackfill(
  handle: WorkflowHandle<BackfillWorkflow>,
  id: string,
  out: OutputStream,
): Promise<BackfillSummary> {
  const tty = out.isTTY === true;
  let last = '';
  const done = handle.result();
  let finished = false;
  const ended = new AbortController();
  void done
    .finally(() => {
      finished = true;
      ended.abort();
    })
    .catch(() => undefined);
  while (!finished) {
    const progress: BackfillProgress | null = await handle.client
      .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(progressQuery))
      .catch(() => null);
    const line = progress ? progressLine(progress) : await blockedLine(handle);
    if (line !== null && line !== last) {
      // A blocked line ends a terminal's progress bar, so that the next progress starts on its own line.
      const blocked = progress === null;
      out.write(tty && !blocked ? `\r${line}` : `${tty ? '\n' : ''}${line}\n`);
      last = line;
    }
    await pauseUnless(PROGRESS_EVERY_MS, ended.signal);
  }
  const summary = await done;
  const final = progressLine({ ...summary, running: [], pending: 0, paused: false });
  out.write(tty ? `\r${final}\n` : `${final}\n`);
  out.write(summaryTable(id, summary));
  return summary;
}
