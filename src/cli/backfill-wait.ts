/** Following a backfill to its end: the progress bar (or lines), then the summary. */
import type { BackfillWorkflow } from '../workflow-safe/workflow-types.js';
import type { WorkflowHandle } from '@temporalio/client';
import type { BackfillProgress, BackfillSummary } from '../workflow-safe/backfill.js';
import { progressQuery } from '../workflow-safe/backfill-messages.js';
import { progressLine, summaryTable } from './backfill-progress.js';
import type { OutputStream } from './context.js';
import { pauseUnless } from './pause.js';

/** How often the progress is asked for; the backfill's end is seen as it comes, not at the next tick. */
const PROGRESS_EVERY_MS = 500;

/** Prints progress until the backfill ends, then its summary table; returns the summary. */
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
    const progress: BackfillProgress | null = await handle.query(progressQuery).catch(() => null);
    if (progress) {
      const line = progressLine(progress);
      if (line !== last) out.write(tty ? `\r${line}` : `${line}\n`);
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
