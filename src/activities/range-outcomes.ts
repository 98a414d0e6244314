/**
 * What the stages of a ranged run share: a day's failure told apart from the stage's, and the days
 * a stage already finished, carried in its heartbeat so that a retry skips them.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { BadDataError, ErrorType, NON_RETRYABLE_ERROR_TYPES, NoDataError } from '../workflow-safe/errors.js';
import type { DayFailure, DayStepResult } from '../workflow-safe/ranges.js';
import { heartbeatProgress } from './heartbeat.js';

/**
 * The failure that ends one day, as its own run would record it (type and message), when `error`
 * is the day's (bad data, no data, a non-retryable failure); null when it is the stage's (a
 * transient fault: the stage is retried).
 */
export function dayFailureOf(error: unknown): DayFailure | null {
  if (error instanceof BadDataError || error instanceof NoDataError)
    return { type: error.type, message: error.message };
  if (error instanceof ApplicationFailure && (error.nonRetryable || isNonRetryable(error.type)))
    return { type: error.type ?? 'Error', message: error.message };
  return null;
}

function isNonRetryable(type: string | null | undefined): boolean {
  return (NON_RETRYABLE_ERROR_TYPES as readonly (string | null | undefined)[]).includes(type);
}

/** Whether this attempt is the stage's last: its retry policy allows no other. */
export function isLastAttempt(): boolean {
  const { attempt, retryPolicy } = Context.current().info;
  const most = retryPolicy?.maximumAttempts ?? 0;
  return most > 0 && attempt >= most;
}

/**
 * The failure that ends one day now: its own (`dayFailureOf`), or, on the stage's last attempt, a
 * transient fault that struck that day on every attempt (the days that succeeded are kept from
 * one attempt to the next, so only the failing day was tried again). That day alone then fails, and
 * runs again on its own as `daily/{date}`; null while the stage still has attempts left.
 */
export function dayFailureNow(error: unknown): DayFailure | null {
  const own = dayFailureOf(error);
  if (own !== null || !isLastAttempt()) return own;
  const type = error instanceof ApplicationFailure && error.type ? error.type : ErrorType.TransientIO;
  const message = error instanceof Error ? error.message : String(error);
  return { type, message: `${message} (on each of the range's ${Context.current().info.attempt} attempts)` };
}

/** One day's step: its output, or its failure; a transient fault is thrown while the stage has attempts left. */
export async function dayStep<T>(date: string, work: () => Promise<T>): Promise<DayStepResult<T>> {
  try {
    return { date, ok: await work() };
  } catch (error) {
    const failure = dayFailureNow(error);
    if (!failure) throw error;
    return { date, failure };
  }
}

/**
 * The results of a stage's days: those a previous attempt finished (from its heartbeat), kept as
 * they were, and `record` to add each day as it ends, reported at once in the heartbeat.
 */
export function stageProgress<T>(): {
  readonly finished: ReadonlyMap<string, DayStepResult<T>>;
  record(result: DayStepResult<T>): void;
  inOrder(dates: readonly string[]): DayStepResult<T>[];
} {
  const details: unknown = Context.current().info.heartbeatDetails;
  const previous = Array.isArray(details) ? (details as DayStepResult<T>[]) : [];
  const finished = new Map(previous.map((result) => [result.date, result]));
  return {
    finished,
    record(result) {
      finished.set(result.date, result);
      heartbeatProgress([...finished.values()]);
    },
    inOrder(dates) {
      return dates.map((date) => {
        const result = finished.get(date);
        if (!result) throw new Error(`the stage gave no result for ${date}`);
        return result;
      });
    },
  };
}

/**
 * The days a stage's attempt could not finish for a transient fault of their own (a source's 503
 * for that day), as failures: each leaves the range at its first such fault and runs again as its
 * own `daily/{date}`, with its own backoff, started by the backfill once the range ends
 * (docs/architecture.md, "Ranged runs"). Only when another day of the stage got through: a fault
 * that struck every day is the stage's, thrown for the stage to be retried. A cancellation is thrown.
 */
export function daysLeavingRange(
  faults: ReadonlyArray<{ readonly date: string; readonly error: unknown }>,
  anotherGotThrough: boolean,
): DayStepResult<never>[] {
  const [first] = faults;
  if (first === undefined) return [];
  if (!anotherGotThrough || Context.current().cancellationSignal.aborted) throw first.error;
  return faults.map(({ date, error }) => ({
    date,
    failure: {
      type: error instanceof ApplicationFailure && error.type ? error.type : ErrorType.TransientIO,
      message: `${error instanceof Error ? error.message : String(error)}: left the range at its first transient fault, to run again as its own daily/${date}`,
    },
  }));
}
