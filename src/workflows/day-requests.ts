/** Asking the days of claimed files for runs, as an ingestion of one file or of a batch does. */
import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DatasetName } from '../workflow-safe/datasets.js';
import { activityOptions } from './activity-options.js';
import { dayIngestionRan } from './day-ingestion.js';

const requests = proxyActivities<Activities>(activityOptions('dayRequest'));

/** Days asked for at once, at most: a file (or batch) of a year runs a few days at a time. */
export const PARALLEL_DAYS = 4;

export interface DayFailure {
  readonly date: string;
  readonly error: string;
}

/**
 * Asks `ingest-day/{dataset}/{date}` for a run of each day, at most `PARALLEL_DAYS` waiting at
 * once, and waits in the workflow for every answer: files claimed into one day share its runs, and
 * no activity slot waits on them. Returns the days that failed, with their messages.
 */
export async function runDaysByRequest(dataset: DatasetName, toRun: readonly string[]): Promise<DayFailure[]> {
  const answers = new Map<string, string | undefined>();
  setHandler(dayIngestionRan, (answer) => {
    if (answer.dataset === dataset && toRun.includes(answer.date) && !answers.has(answer.date))
      answers.set(answer.date, answer.error);
  });
  const requester = workflowInfo().workflowId;
  for (let asked = 0; answers.size < toRun.length;) {
    const waiting = asked - answers.size;
    const dates = toRun.slice(asked, asked + PARALLEL_DAYS - waiting);
    if (dates.length > 0) await requests.requestDayRuns({ dataset, dates, requester });
    asked += dates.length;
    const answered = answers.size;
    await condition(() => answers.size > answered);
  }
  return toRun.flatMap((date) => {
    const error = answers.get(date);
    return error === undefined ? [] : [{ date, error }];
  });
}
