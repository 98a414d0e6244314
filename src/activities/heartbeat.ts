/**
 * Every activity heartbeats while it runs, so that a worker that dies mid-activity is noticed
 * within the heartbeat timeout and the activity is retried elsewhere, not after start-to-close.
 * Every activity's failure is classified on the way out: a local path that cannot be written is a
 * non-retryable StorageMisconfigured failure naming the path and its variable.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { storageMisconfiguration, type LocalRoot } from '../faults/storage-misconfigured.js';

export const HEARTBEAT_INTERVAL_MS = 5_000;

/** The progress an activity last reported, sent again by its periodic heartbeats. */
const lastProgress = new WeakMap<Context, unknown>();

/**
 * Progress goes out with a heartbeat at most this often; the newest is kept for the next one. A
 * stage reports its days as they end, each report holding every day so far: sent each time, the
 * results encoded would grow with the square of the range's days, on the worker's main thread.
 * The server keeps one heartbeat in several anyway (the SDK throttles them to most of the
 * heartbeat timeout).
 */
const PROGRESS_SENT_EVERY_MS = 1_000;
const progressSentAt = new WeakMap<Context, number>();

/**
 * Reports the activity's progress as its heartbeat details: a retry of the activity reads them
 * back (`Context.current().info.heartbeatDetails`) and skips what was done. Sent at once unless
 * progress went out less than {@link PROGRESS_SENT_EVERY_MS} ago; then with the next report, the
 * next periodic heartbeat, or the activity's failure (the SDK sends it before the failure).
 */
export function heartbeatProgress(details: unknown): void {
  const context = Context.current();
  lastProgress.set(context, details);
  const now = Date.now();
  const sentAt = progressSentAt.get(context);
  if (sentAt !== undefined && now - sentAt < PROGRESS_SENT_EVERY_MS) return;
  progressSentAt.set(context, now);
  context.heartbeat(details);
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

function classified(error: unknown, roots: readonly LocalRoot[]): unknown {
  if (error instanceof ApplicationFailure) return error;
  const fault = storageMisconfiguration(error, roots);
  if (!fault) return error;
  return ApplicationFailure.create({
    type: fault.type,
    nonRetryable: true,
    message: fault.message,
    details: [{ path: fault.path, code: fault.code, variable: fault.variable ?? null }],
    cause: fault,
  });
}

function heartbeating<F extends AnyActivity>(activity: F, roots: readonly LocalRoot[]): F {
  const wrapped = async (...args: Parameters<F>) => {
    const context = Context.current();
    const timer = setInterval(() => context.heartbeat(lastProgress.get(context)), HEARTBEAT_INTERVAL_MS);
    try {
      return await activity(...args);
    } catch (error) {
      // The progress held back since the last heartbeat goes out first: the retry skips it.
      const progress = lastProgress.get(context);
      if (progress !== undefined) context.heartbeat(progress);
      throw classified(error, roots);
    } finally {
      clearInterval(timer);
    }
  };
  return wrapped as F;
}

export function withHeartbeats<T extends Record<string, AnyActivity>>(activities: T, roots: readonly LocalRoot[]): T {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name, heartbeating(fn, roots)])) as T;
}
