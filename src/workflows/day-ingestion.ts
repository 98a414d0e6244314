/**
 * The runs of a dataset's day for the files claimed into it: one workflow per dataset and day,
 * `ingest-day/{dataset}/{date}`, started or signalled by each ingestion that claimed a file into
 * the day (signal-with-start, which also gives it its `Dataset` and `PartitionDate`). Requests that arrive while the day runs wait for the next run, so a
 * thousand files for one day make two or three runs, never a thousand.
 */
import {
  continueAsNew,
  defineSignal,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  DAY_INGESTION_SIGNALS,
  type DayIngestionAnswer,
  type DayIngestionInput,
  type DayIngestionOutput,
  type DayIngestionRequest,
} from '../workflow-safe/ingest.js';
import { checkDayIngestionInput } from '../workflow-safe/inputs.js';
import { checkedInput } from './checked-input.js';
import { describeFailure } from './failure-messages.js';
import { runDay } from './run-day.js';

export const dayIngestionRequested = defineSignal<[DayIngestionRequest]>(DAY_INGESTION_SIGNALS.requested);
export const dayIngestionRan = defineSignal<[DayIngestionAnswer]>(DAY_INGESTION_SIGNALS.ran);

/** History events past which the workflow goes on as a new run, carrying the requests not yet answered. */
const HISTORY_EVENTS_BEFORE_NEW_RUN = 10_000;

/**
 * dayIngestion: runs `daily/{date}` for one dataset until no request is left, then ends. Each run
 * answers every request received before it started (the files those ingestions claimed are among
 * its inputs); one received meanwhile is answered by the next run. A run of the day already in
 * flight (the schedule, a backfill, another dataset's files) is waited for in this workflow, never
 * in an activity slot, then the day runs again. A failed day is an answer too (with its message),
 * not a failure of this workflow. Safe to signal at any time: a request is answered once per run.
 */
export async function dayIngestion(rawInput: DayIngestionInput): Promise<DayIngestionOutput> {
  const input = checkedInput(checkDayIngestionInput, rawInput);
  const { dataset, date } = input;
  const pending = new Set(input.pending ?? []);
  setHandler(dayIngestionRequested, (request) => void pending.add(request.requester));
  let runs = 0;
  let answered = 0;
  while (pending.size > 0) {
    if (workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_NEW_RUN || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof dayIngestion>({ dataset, date, pending: [...pending] });
    const requesters = [...pending];
    pending.clear();
    let error: string | undefined;
    try {
      await runDay({ date, runKind: 'ingest', datasets: [dataset], inFlight: 'run-after' });
    } catch (failure) {
      error = describeFailure(failure).message;
    }
    runs += 1;
    const answer: DayIngestionAnswer = { dataset, date, ...(error === undefined ? {} : { error }) };
    await Promise.all(
      requesters.map((requester) =>
        getExternalWorkflowHandle(requester)
          .signal(dayIngestionRan, answer)
          // An ingestion ended meanwhile (terminated by an operator) has nobody left to answer.
          .catch((failure: unknown) =>
            log.warn('an ingestion to answer is gone', { requester, error: describeFailure(failure).message }),
          ),
      ),
    );
    answered += requesters.length;
  }
  log.info('day ingested', { dataset, date, runs, answered });
  return { runs, answered };
}
