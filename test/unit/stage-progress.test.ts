/**
 * A ranged stage's progress (stageProgress): every day it records reaches the heartbeat that a retry
 * reads back, but the heartbeats themselves are spaced, not one per day with every day so far.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withHeartbeats } from '../../src/activities/heartbeat.js';
import { stageProgress } from '../../src/activities/range-outcomes.js';
import type { DayStepResult } from '../../src/workflow-safe/ranges.js';

afterEach(() => {
  vi.useRealTimers();
});

const day = (n: number): DayStepResult<number> => ({ date: `2020-01-${String(n).padStart(2, '0')}`, ok: n });

describe('stageProgress', () => {
  it('sends the first day at once, then at most one heartbeat a second, the newest days in it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const env = new MockActivityEnvironment();
    const sent: unknown[] = [];
    env.on('heartbeat', (details: unknown) => sent.push(details));
    await env.run(() => {
      const progress = stageProgress<number>();
      for (let n = 1; n <= 20; n += 1) progress.record(day(n));
      expect(sent).toEqual([[day(1)]]);
      vi.advanceTimersByTime(1_000);
      progress.record(day(21));
      expect(sent).toHaveLength(2);
      expect(sent[1]).toEqual(Array.from({ length: 21 }, (_, i) => day(i + 1)));
      return Promise.resolve();
    });
  });

  it('skips the days a previous attempt reported', async () => {
    const env = new MockActivityEnvironment({ heartbeatDetails: [day(1), day(2)] });
    const finished = await env.run(() => Promise.resolve([...stageProgress<number>().finished.keys()]));
    expect(finished).toEqual([day(1).date, day(2).date]);
  });
});

describe('withHeartbeats', () => {
  it('sends the progress held back before the activity fails, for the retry to skip', async () => {
    // The failure is the test's own: the SDK's warning about it is not printed.
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
    const sent: unknown[] = [];
    env.on('heartbeat', (details: unknown) => sent.push(details));
    const { stage } = withHeartbeats(
      {
        stage: async () => {
          const progress = stageProgress<number>();
          for (let n = 1; n <= 5; n += 1) progress.record(day(n));
          await Promise.resolve();
          throw new Error('a transient fault');
        },
      },
      [],
    );
    await expect(env.run(stage)).rejects.toThrow('a transient fault');
    expect(sent.at(-1)).toEqual([1, 2, 3, 4, 5].map(day));
  });
});
