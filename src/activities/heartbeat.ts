/**
 * Every activity heartbeats while it runs, so that a worker that dies mid-activity is noticed
 * within the heartbeat timeout and the activity is retried elsewhere, not after start-to-close.
 */
import { Context } from '@temporalio/activity';

export const HEARTBEAT_INTERVAL_MS = 5_000;

type AnyActivity = (...args: never[]) => Promise<unknown>;

function heartbeating<F extends AnyActivity>(activity: F): F {
  const wrapped = async (...args: Parameters<F>) => {
    const context = Context.current();
    const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
    try {
      return await activity(...args);
    } finally {
      clearInterval(timer);
    }
  };
  return wrapped as F;
}

export function withHeartbeats<T extends Record<string, AnyActivity>>(activities: T): T {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name, heartbeating(fn)])) as T;
}
