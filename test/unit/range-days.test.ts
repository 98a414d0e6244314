import { describe, expect, it } from 'vitest';
import { defaultRangeDays, MAX_DAYS_PER_RANGE, MIN_DAYS_PER_RANGE, rangesOf } from '../../src/workflow-safe/ranges.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';

/** The lengths of the ranges a backfill of `days` consecutive days makes by default at `parallel`. */
const lengths = (days: number, parallel: number) => {
  const dates = datesInRange('2012-01-01', '2041-12-31').slice(0, days);
  return rangesOf(dates, defaultRangeDays(days, parallel)).map((range) => range.length);
};

describe('defaultRangeDays: ranges sized by the plan', () => {
  it('keeps a short backfill in ranges of 16: 43 days at parallel 4', () => {
    expect(lengths(43, 4)).toEqual([16, 16, 11]);
  });

  it('fills the parallel slots in one wave when the days allow', () => {
    expect(lengths(60, 2)).toEqual([30, 30]);
    expect(lengths(200, 4)).toEqual([50, 50, 50, 50]);
  });

  it('runs a run of 1 000 days at parallel 4 in four even waves of ranges of 63', () => {
    const ranges = lengths(1_000, 4);
    expect(ranges).toHaveLength(16);
    expect(ranges.slice(0, 15).every((n) => n === 63)).toBe(true);
    expect(ranges.at(-1)).toBe(55);
  });

  it('stays within its bounds whatever the plan and the parallelism', () => {
    for (const days of [1, 15, 16, 17, 64, 65, 256, 257, 999, 1_000, 3_650])
      for (const parallel of [1, 2, 3, 4, 7, 16, 64]) {
        const size = defaultRangeDays(days, parallel);
        expect(size).toBeGreaterThanOrEqual(MIN_DAYS_PER_RANGE);
        expect(size).toBeLessThanOrEqual(MAX_DAYS_PER_RANGE);
        // A plan long enough for every slot keeps them busy, but for a range's day of rounding
        // (a range of 17 where 16.x would do): at least 16 of every 17 slots.
        if (days >= parallel * MIN_DAYS_PER_RANGE)
          expect(Math.ceil(days / size)).toBeGreaterThanOrEqual(
            (parallel * MIN_DAYS_PER_RANGE) / (MIN_DAYS_PER_RANGE + 1),
          );
      }
  });
});
