import { ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityOptions } from './activity-options.js';
import type { ProvisionalDay } from '../activities/revised-days.js';
import { monthOf } from '../workflow-safe/periods.js';
import { ErrorType } from '../workflow-safe/errors.js';
import { parisDateOf } from '../workflow-safe/partition.js';
import { describeFailure } from './failure-messages.js';
import { runDay } from './run-day.js';

/** Listing records and asking for a report: quick, retried while the database does not answer. */
const quick = proxyActivities<Activities>(activityOptions('revisionListing'));

/** One fetch of a source and a small DuckDB read: retried with backoff on transient faults. */
const io = proxyActivities<Activities>(activityOptions('revisionCheck'));

/** Days looked at when the input does not say: a revision (the weather archive) comes within days. */
const DEFAULT_LOOKBACK_DAYS = 31;
/** Days re-run at once at most. */
const PARALLEL_DAYS = 4;
const DAY_MS = 86_400_000;

export interface RevisedDaysInput {
  /** How many days back from today (Paris) provisional days are looked for; 31 when absent. */
  readonly lookbackDays?: number;
}

export interface RevisedDaysOutput {
  /** The window looked at, Paris days, inclusive. */
  readonly from: string;
  readonly to: string;
  /** Provisional days whose revision was taken and that ran again. */
  readonly rerun: readonly ProvisionalDay[];
  /** Provisional days whose revision is not published yet. */
  readonly waiting: readonly ProvisionalDay[];
}

function lookbackOf(raw: unknown): number {
  const given = typeof raw === 'object' && raw !== null ? (raw as { lookbackDays?: unknown }).lookbackDays : undefined;
  if (given === undefined) return DEFAULT_LOOKBACK_DAYS;
  if (typeof given !== 'number' || !Number.isInteger(given) || given < 1 || given > 366)
    throw ApplicationFailure.nonRetryable(
      `lookbackDays must be a whole number from 1 to 366, got ${JSON.stringify(given)}`,
      ErrorType.InvalidInput,
    );
  return given;
}

const byDay = (a: ProvisionalDay, b: ProvisionalDay) =>
  a.date.localeCompare(b.date) || a.dataset.localeCompare(b.dataset);

/**
 * revisedDays: the revised-days schedule's action — finds the succeeded days of the last
 * `lookbackDays` Paris days (today included) of datasets with `revisions` that ran on provisional
 * inputs. For a dataset with a range check (eCO2mix) one request over the window names the days
 * whose whole revision is published; for the others each day's revising source is fetched again.
 * A revised day's source is stored as its raw file, `daily/{date}` runs again for that dataset,
 * what the revision changed is kept beside the new metrics, and the day's report is rebuilt; the
 * month (then year) reports of the revised days are asked for once, after the batch. A day whose
 * revision is not out yet waits for the next check. Safe to re-run: a final day is never looked at
 * again. Fails (DaysFailed, listing each day and why) when a day's revision or re-run failed; the
 * others still ran.
 */
export async function revisedDays(rawInput?: RevisedDaysInput): Promise<RevisedDaysOutput> {
  const lookbackDays = lookbackOf(rawInput);
  const now = Date.now();
  const to = parisDateOf(new Date(now));
  const from = parisDateOf(new Date(now - (lookbackDays - 1) * DAY_MS));
  const provisional = await quick.listProvisionalDays({ from, to });
  const rerun: ProvisionalDay[] = [];
  const waiting: ProvisionalDay[] = [];
  const failed: Array<{ day: ProvisionalDay; error: string }> = [];
  /** Days known to be revised, with their metrics before the re-run (range checks). */
  const previous = new Map<string, Record<string, unknown>>();
  const keyOf = (day: ProvisionalDay) => `${day.dataset}/${day.date}`;
  const queue = provisional.filter((day) => day.range !== true);
  const ranged = [...new Set(provisional.filter((day) => day.range === true).map((day) => day.dataset))];
  for (const dataset of ranged) {
    const days = provisional.filter((day) => day.dataset === dataset && day.range === true);
    try {
      const found = await io.findRevisedDays({ dataset, from, to, dates: days.map((d) => d.date) });
      for (const day of days) {
        const revised = found.revised.find((r) => r.date === day.date);
        if (revised) {
          previous.set(keyOf(day), revised.previous);
          queue.push(day);
        } else waiting.push(day);
      }
    } catch (error) {
      const message = describeFailure(error).message;
      for (const day of days) failed.push({ day, error: message });
    }
  }
  /** The months of the days that ran again, whatever happened after: their reports were deferred to the batch. */
  const rerunMonths = new Set<string>();
  const worker = async () => {
    for (let day = queue.shift(); day !== undefined; day = queue.shift()) {
      try {
        const { revised } = await io.takeRevision(day);
        if (!revised) {
          waiting.push(day);
          continue;
        }
        await runDay({
          date: day.date,
          runKind: 'scheduled',
          datasets: [day.dataset],
          deferMonthReport: true,
          // Days re-run side by side: a run in flight is looked at by activity tasks, never local
          // activities (docs/architecture.md, "Where a local activity may sit").
          outcomeByActivity: true,
        });
        rerunMonths.add(monthOf(day.date));
        const before = previous.get(keyOf(day));
        await io.noteRevision({ dataset: day.dataset, date: day.date, ...(before ? { previous: before } : {}) });
        await quick.requestReport({ period: day.date });
        rerun.push(day);
      } catch (error) {
        failed.push({ day, error: describeFailure(error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DAYS, queue.length) }, worker));
  if (rerunMonths.size > 0) await quick.requestReports({ periods: [...rerunMonths].sort() });
  if (failed.length > 0) {
    failed.sort((a, b) => byDay(a.day, b.day));
    throw ApplicationFailure.create({
      type: ErrorType.DaysFailed,
      nonRetryable: true,
      message:
        `${failed.length} provisional day(s) could not be revised; the next check tries again: ` +
        failed.map((f) => `${f.day.dataset} ${f.day.date}: ${f.error}`).join(' | '),
    });
  }
  if (rerun.length > 0 || waiting.length > 0)
    log.info('revised days checked', { from, to, rerun: rerun.length, waiting: waiting.length });
  return { from, to, rerun: rerun.sort(byDay), waiting: waiting.sort(byDay) };
}
