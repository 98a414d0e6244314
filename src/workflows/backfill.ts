import {
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { BackfillCarried, BackfillInput, BackfillSummary, RangeWait } from '../workflow-safe/backfill.js';
import { FailedDays } from '../workflow-safe/failed-days.js';
import type { ImportRef } from '../workflow-safe/imports.js';
import { backfillTaskQueue, workflowIds } from '../workflow-safe/keys.js';
import { checkBackfillInput } from '../workflow-safe/inputs.js';
import { checkedInput } from './checked-input.js';
import { pauseSignal, progressQuery, resumeSignal } from '../workflow-safe/backfill-messages.js';
import { describeFailure } from './failure-messages.js';
import { monthOf } from '../workflow-safe/periods.js';
import { defaultRangeDays, rangesOf, type RangeDayOutcome, type RangeRunOutput } from '../workflow-safe/ranges.js';
import { EMPTY_ROWS_TALLY, tallyDay, type RowsTally } from '../workflow-safe/rows-tally.js';
import { BackfillId, PipelineStageAttribute, RunKindAttribute } from '../workflow-safe/search-attributes.js';
import { rangeOutcomeWhenEnded } from './range-outcome.js';
import { rangeRun } from './range-run.js';
import { runDay } from './run-day.js';

/** Planning, re-checking days before they start, looking at a range, asking for reports: quick reads and requests. */
const quick = proxyActivities<Activities>(activityOptions('backfillControl'));

/** An import's days transformed in passes over many days: minutes for a thousand days, heartbeating. */
const passes = proxyActivities<Activities>(activityOptions('importPasses'));

/**
 * Days started by one run before it continues as new (the server's continue-as-new suggestion
 * still ends a run whose history grows too long): each run ends by waiting for its days in flight,
 * and asks for its months' reports once, so fewer, longer runs keep the days flowing
 * (bench/RESULTS.md, "Ranged runs").
 */
export const DAYS_PER_RUN = 1_000;

/** History events past which a run that only waits for other runs' ranges continues as new. */
const WAIT_HISTORY_EVENTS = 10_000;

/**
 * Before continuing as new, a backfill asks for its months' reports only if it last asked this
 * long ago or more, and otherwise carries the months to its next run; it asks for all of them when
 * it ends. Days first: a backfill shorter than that builds each of its months, years and the index
 * once, after its days; a long one's months still show their reports this often while it runs.
 */
const REPORTS_ASKED_EVERY_MS = 5 * 60_000;

/**
 * Transforms the days of an import this run will start in ranges of many days (`transformImportDays`):
 * each day then finds its transform and metrics done, the fixed DuckDB work of a day shared by the
 * range's days. When it cannot, each day does its own work
 * (and fails on its own, saying why, if the file is at fault): the failure is logged, not the run's.
 */
async function transformImportDays(importRef: ImportRef, dates: string[]): Promise<void> {
  try {
    const { transformed, left } = await passes.transformImportDays({ importRef, dates });
    log.info('transformed the days of an import', { transformed, left });
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('could not transform the days of an import: each day runs its own steps', { error });
  }
}

/**
 * backfill: runs `daily/{date}` for the planned days of a range with at most `parallel` in flight,
 * on the backfill task queue (so scheduled days are never queued behind it), with RunKind=backfill
 * and BackfillId on every day. Plans from the day records (missing | failed | all); answers the
 * `progress` query; `pause` / `resume` signals hold and release new starts; cancelling it cancels
 * the days in flight. In `missing` and `failed` modes each day is re-checked just before it starts:
 * a day another run finished since the plan is skipped and counted (`skipped`), a day running
 * elsewhere is attached to, so overlapping backfills run each day once. The month reports of its days are
 * asked for once, after them, rather than by each day: when it ends or is cancelled, and before
 * continuing as new once five minutes have passed since it last asked. An import first transforms
 * the days of each run in ranges of many days. A backfill of one dataset that runs in ranges
 * (unless `perDay`) runs its consecutive planned days `rangeDays` at a time (by default sized by
 * the plan, `defaultRangeDays`) as `range/{dataset}/{from}..{to}` (`rangeRun`), `parallel` runs in
 * flight, and each day a range failed through `daily/{date}`; a day a range left to another range
 * holding it takes that range's outcome (a day it did not run to success runs per day), a day left
 * to a per-day run is attached to. Continues as new every 1 000 days, or sooner when the server
 * suggests it; a run whose own days have ended and which only waits for other runs' ranges
 * continues as new then (or past 10 000 history events) carrying those waits. It runs no local
 * activity: it awaits many things at once (days, ranges, timers), and local activities' results may
 * come back on replay in another order, or another workflow task, than they did live. Completes with a summary, failed days
 * included — the first 100 with their message, the others counted — (each failed day is also a
 * Failed `daily/{date}` for operators), and the rows of the dataset-days that succeeded as their
 * runs counted them.
 */
export async function backfill(rawInput: BackfillInput): Promise<BackfillSummary> {
  const input = checkedInput(checkBackfillInput, rawInput);
  const backfillId = workflowInfo().workflowId.replace(/^backfill\//, '');
  /** Days in flight: this run's own, and (carried from the run before) those it waits for in other runs' ranges. */
  const running = new Set<string>((input.carried?.waiting ?? []).flatMap((wait) => wait.dates));
  const pending: string[] = [...(input.carried?.pending ?? [])];
  const failed = new FailedDays(input.carried?.failed, input.carried?.failedDaysOmitted);
  /** Days of this backfill waited for in other runs' ranges: carried on continuing as new. */
  const waits = new Set<RangeWait>();
  let planned = input.carried?.planned ?? 0;
  let succeeded = input.carried?.succeeded ?? 0;
  let skipped = input.carried?.skipped ?? 0;
  /** The rows of the dataset-days that succeeded, as their runs counted them (the summary `--wait` prints). */
  let rows: RowsTally = input.carried?.rows ?? EMPTY_ROWS_TALLY;
  let paused = false;
  let planning = !input.carried;
  let preparing: number | undefined;
  let startedThisRun = 0;
  /** Months of the days that ended since their reports were last asked for. */
  const months = new Set<string>(input.carried?.months ?? []);
  /** When this backfill last asked for reports, or started (workflow time, ms). */
  let reportsAskedAt = input.carried?.reportsAskedAt ?? Date.now();

  // Handlers first: a query may arrive while the plan is being read.
  setHandler(progressQuery, () => ({
    planning,
    ...(preparing === undefined ? {} : { preparing }),
    planned,
    succeeded,
    failed: failed.count,
    skipped,
    running: [...running],
    pending: pending.length,
    paused,
    ...failed.carried,
    rows,
  }));
  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));

  if (!input.carried) {
    const plan = {
      from: input.from,
      to: input.to,
      mode: input.mode,
      ...(input.datasets ? { datasets: input.datasets } : {}),
    };
    // An import plans the days its file covers; its days take their rows from the file.
    pending.push(
      ...(await (input.importRef
        ? quick.planImport({ ...plan, importRef: input.importRef })
        : quick.planBackfill(plan))),
    );
    planned = pending.length;
    planning = false;
  }

  const taskQueue = backfillTaskQueue(workflowInfo().taskQueue);
  // Each month's report is asked for once its days have ended, not by each day.
  const requestMonthReports = async () => {
    reportsAskedAt = Date.now();
    if (months.size === 0) return;
    const periods = [...months].sort();
    months.clear();
    await quick.requestReports({ periods });
  };
  /** Before continuing as new: ask now, or leave the months to a later run. */
  const reportsDue = () => Date.now() - reportsAskedAt >= REPORTS_ASKED_EVERY_MS;
  const launch = (date: string) => {
    running.add(date);
    startedThisRun += 1;
    runsInFlight += 1;
    void runDay({
      date,
      runKind: 'backfill',
      backfillId,
      taskQueue,
      ...(input.datasets ? { datasets: input.datasets } : {}),
      ...(input.importRef ? { importRef: input.importRef } : {}),
      deferMonthReport: true,
      outcomeByActivity: true,
    })
      .then((output) => {
        succeeded += 1;
        // A day attached to a run of more datasets (the schedule's) counts those of the backfill.
        for (const day of output.datasets)
          if (!input.datasets || input.datasets.includes(day.dataset)) rows = tallyDay(rows, day);
      })
      .catch((error: unknown) => failed.add({ date, message: describeFailure(error).message }))
      .finally(() => {
        running.delete(date);
        runsInFlight -= 1;
        months.add(monthOf(date));
      });
  };

  // Ranged runs: the backfill's one dataset runs in ranges, so each range's days are whole days (a
  // day's report spans the day's datasets); the failed days of a range then run per day.
  const rangeDataset =
    !input.perDay && !input.importRef
      ? await quick.rangeDataset({ date: input.from, ...(input.datasets ? { datasets: input.datasets } : {}) })
      : null;
  /** Ranges and days in flight, in ranged runs: `parallel` bounds them. */
  let runsInFlight = 0;
  const launchRange = (dataset: string, dates: readonly string[]) => {
    const from = dates[0] ?? '';
    const to = dates.at(-1) ?? '';
    for (const date of dates) running.add(date);
    startedThisRun += dates.length;
    runsInFlight += 1;
    void executeChild(rangeRun, {
      workflowId: workflowIds.range(dataset, from, to),
      taskQueue,
      args: [{ dataset, dates, runKind: 'backfill', backfillId }],
      typedSearchAttributes: [
        { key: RunKindAttribute, value: 'backfill' },
        { key: BackfillId, value: backfillId },
        { key: PipelineStageAttribute, value: 'download' },
      ],
    })
      .then((out: RangeRunOutput) => out.days)
      .catch((error: unknown) => {
        if (isCancellation(error)) throw error;
        log.warn('a ranged run could not run: its days run per day', { dataset, from, to, error });
        return dates.map((date) => ({ date, status: 'failed' as const }));
      })
      .then(
        (days) => {
          const held = new Map<string, string[]>();
          for (const day of days) {
            if (day.status === 'elsewhere' && day.heldBy?.startsWith('range/')) {
              held.set(day.heldBy, [...(held.get(day.heldBy) ?? []), day.date]);
              continue;
            }
            running.delete(day.date);
            if (day.status === 'succeeded') {
              succeeded += 1;
              tallyRangeDay(dataset, day);
              months.add(monthOf(day.date));
            } else launch(day.date);
          }
          for (const [workflowId, heldDates] of held) attachRange(dataset, workflowId, heldDates);
        },
        () => {
          for (const date of dates) {
            running.delete(date);
            failed.add({ date, message: `cancelled in ${workflowIds.range(dataset, from, to)}` });
          }
        },
      )
      .finally(() => void (runsInFlight -= 1));
  };

  /** A day a range ran to success, counted with the rows its range gave (ranges before they gave them: none). */
  const tallyRangeDay = (dataset: string, day: RangeDayOutcome) => {
    if (day.rows)
      rows = tallyDay(rows, {
        dataset,
        date: day.date,
        rows: day.rows,
        ...(day.rejectsKey ? { rejectsKey: day.rejectsKey } : {}),
      });
  };

  /**
   * Days another range held running when this one started: their outcome is that range's, as a
   * per-day backfill takes a day in flight elsewhere; a day it did not run to success runs per day.
   */
  const attachRange = (dataset: string, workflowId: string, dates: readonly string[]) => {
    const wait: RangeWait = { workflowId, dates };
    waits.add(wait);
    void rangeOutcomeWhenEnded(quick, workflowId, dates).then(
      (days) => {
        waits.delete(wait);
        const ok = new Map(days.filter((d) => d.status === 'succeeded').map((d) => [d.date, d]));
        for (const date of dates) {
          running.delete(date);
          const day = ok.get(date);
          if (day) {
            succeeded += 1;
            tallyRangeDay(dataset, day);
            months.add(monthOf(date));
          } else launch(date);
        }
      },
      (error: unknown) => {
        waits.delete(wait);
        for (const date of dates) {
          running.delete(date);
          if (isCancellation(error)) failed.add({ date, message: `cancelled while ${workflowId} ran it` });
          else launch(date);
        }
      },
    );
  };

  // Waits the run before carried: the range is looked at again (a dataset no longer ranged runs them per day).
  for (const wait of input.carried?.waiting ?? []) {
    if (rangeDataset !== null) attachRange(rangeDataset, wait.workflowId, wait.dates);
    else
      for (const date of wait.dates) {
        running.delete(date);
        launch(date);
      }
  }

  const recheck = input.mode !== 'all' && !input.importRef;
  const stillPlanned = async (dates: string[]) => {
    const checked = await quick.recheckBackfillDays({
      dates,
      mode: input.mode,
      ...(input.datasets ? { datasets: input.datasets } : {}),
    });
    skipped += checked.skipped.length;
    return checked;
  };

  const daysPerRun = input.daysPerRun ?? DAYS_PER_RUN;
  const timeToContinue = () => startedThisRun >= daysPerRun || workflowInfo().continueAsNewSuggested;
  /** Days in flight that are only waited for in other runs' ranges: nothing of this run's own would be cut off. */
  const onlyWaits = () => running.size === [...waits].reduce((days, wait) => days + wait.dates.length, 0);
  const mustContinue = () => timeToContinue() || workflowInfo().historyLength >= WAIT_HISTORY_EVENTS;
  if (input.importRef && pending.length > 0) {
    const dates = pending.slice(0, daysPerRun);
    preparing = dates.length;
    await transformImportDays(input.importRef, dates);
    preparing = undefined;
  }
  const rangeDays = input.rangeDays ?? defaultRangeDays(Math.min(pending.length, daysPerRun), input.parallel);
  try {
    while (rangeDataset !== null && pending.length > 0 && !timeToContinue()) {
      const size = Math.min(rangeDays, daysPerRun - startedThisRun);
      await condition(() => !paused && runsInFlight < input.parallel);
      const next = pending.splice(0, rangesOf(pending.slice(0, size), size)[0]?.length ?? 1);
      // A day running elsewhere goes into its range, which leaves it to the run holding it.
      const checked = recheck ? await stillPlanned(next) : { run: next };
      for (const dates of rangesOf(checked.run, size)) launchRange(rangeDataset, dates);
    }
    while (pending.length > 0 && !timeToContinue()) {
      await condition(() => !paused && running.size < input.parallel);
      const free = recheck ? Math.min(input.parallel - running.size, daysPerRun - startedThisRun) : 1;
      const next = pending.splice(0, free);
      for (const date of recheck ? (await stillPlanned(next)).run : next) launch(date);
    }
    await condition(() => running.size === 0 || (onlyWaits() && mustContinue()));
    // Waits carried to the next run: their months' reports are asked once those days end.
    if (running.size === 0 && (pending.length === 0 || reportsDue())) await requestMonthReports();
  } catch (error) {
    // Cancelled: the days in flight were asked to cancel with this scope; wait until they have,
    // then ask for the reports of the months whose days ended.
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await condition(() => running.size === 0);
        await requestMonthReports();
      });
    }
    throw error;
  }
  if (pending.length > 0 || running.size > 0) {
    const { failedDays, failedDaysOmitted } = failed.carried;
    const carried: BackfillCarried = {
      planned,
      pending,
      succeeded,
      failed: failedDays,
      ...(failedDaysOmitted === undefined ? {} : { failedDaysOmitted }),
      ...(waits.size > 0 ? { waiting: [...waits] } : {}),
      skipped,
      rows,
      ...(months.size > 0 ? { months: [...months].sort() } : {}),
      reportsAskedAt,
    };
    await continueAsNew<typeof backfill>({ ...input, carried });
  }
  return { planned, succeeded, failed: failed.count, skipped, ...failed.carried, rows };
}
