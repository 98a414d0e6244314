/**
 * The date pattern the OpenAPI document publishes is the rule the console enforces: over every
 * string shaped YYYY-MM-DD from 2011 to 2100 (real days and impossible ones), it matches exactly the
 * calendar days from MIN_PARTITION_DATE to MAX_DATE, and the refusals name the reason.
 */
import { describe, expect, it } from 'vitest';
import { DATE_PATTERN, dateSchema, MAX_DATE } from '../../src/serve/params.js';
import { isPartitionDate, MIN_PARTITION_DATE } from '../../src/workflow-safe/partition.js';

const pad = (n: number) => String(n).padStart(2, '0');

describe('DATE_PATTERN', () => {
  it('matches exactly the calendar days from MIN_PARTITION_DATE to MAX_DATE', () => {
    const disagreements: string[] = [];
    let accepted = 0;
    for (let year = 2011; year <= 2100; year += 1)
      for (let month = 0; month <= 13; month += 1)
        for (let day = 0; day <= 32; day += 1) {
          const value = `${year}-${pad(month)}-${pad(day)}`;
          const expected = isPartitionDate(value) && value >= MIN_PARTITION_DATE && value <= MAX_DATE;
          if (DATE_PATTERN.test(value) !== expected) disagreements.push(value);
          if (expected) accepted += 1;
        }
    expect(disagreements).toEqual([]);
    // 2012-01-01..2099-12-31: 88 years, 22 of them leap.
    expect(accepted).toBe(88 * 365 + 22);
  });

  it.each([
    ['2022-06-1', 'must be a date written YYYY-MM-DD'],
    ['２０２２-06-01', 'must be a date written YYYY-MM-DD'],
    ['2023-02-29', 'is not a calendar date'],
    ['2100-01-01', 'is out of range'],
    ['2011-12-31', 'is out of range'],
  ])('%s is refused: %s', (value, reason) => {
    expect(dateSchema.safeParse(value).error?.issues[0]?.message).toContain(reason);
  });
});
