/** A backfill's failed days: the first ones kept with their message, the others counted, across runs. */
import { describe, expect, it } from 'vitest';
import { summaryTable } from '../../src/cli/backfill-progress.js';
import { FAILED_DAYS_KEPT, FailedDays } from '../../src/workflow-safe/failed-days.js';
import { checkBackfillInput } from '../../src/workflow-safe/inputs.js';

const day = (i: number) => ({ date: `2021-01-${String((i % 28) + 1).padStart(2, '0')}`, message: `failed ${i}` });

describe("a backfill's failed days", () => {
  it('keeps the first ones and counts the others, carried from run to run', () => {
    const first = new FailedDays();
    for (let i = 0; i < FAILED_DAYS_KEPT + 5; i += 1) first.add(day(i));
    expect(first.count).toBe(FAILED_DAYS_KEPT + 5);
    expect(first.carried.failedDays).toHaveLength(FAILED_DAYS_KEPT);
    expect(first.carried.failedDays.at(-1)).toEqual(day(FAILED_DAYS_KEPT - 1));
    expect(first.carried.failedDaysOmitted).toBe(5);

    const { failedDays, failedDaysOmitted } = first.carried;
    const next = new FailedDays(failedDays, failedDaysOmitted);
    next.add(day(1_000));
    expect([next.count, next.carried.failedDays.length, next.carried.failedDaysOmitted]).toEqual([
      FAILED_DAYS_KEPT + 6,
      FAILED_DAYS_KEPT,
      6,
    ]);
    // A list carried by a run before the bound is cut to it, the rest counted.
    const unbounded = new FailedDays(
      Array.from({ length: FAILED_DAYS_KEPT + 3 }, (_, i) => day(i)),
      0,
    );
    expect([unbounded.count, unbounded.carried.failedDaysOmitted]).toEqual([FAILED_DAYS_KEPT + 3, 3]);
    expect(new FailedDays([day(1)]).carried).toEqual({ failedDays: [day(1)] });
  });

  it('shows the count of the days not listed in the summary of --wait', () => {
    const text = summaryTable('bf-1', {
      planned: 300,
      succeeded: 195,
      failed: 105,
      failedDays: Array.from({ length: FAILED_DAYS_KEPT }, (_, i) => day(i)),
      failedDaysOmitted: 5,
    });
    expect(text).toContain('  failed     105\n');
    expect(text).toContain(
      `    … and 5 more (the backfill keeps the first ${FAILED_DAYS_KEPT}; courant status lists them all)`,
    );
  });

  it('refuses a carried state whose count or waits are malformed', () => {
    const input = { from: '2021-01-01', to: '2021-01-31', mode: 'all', parallel: 2 };
    const carried = { planned: 31, pending: [], succeeded: 0, failed: [] };
    const check = (more: object) => () => checkBackfillInput({ ...input, carried: { ...carried, ...more } });
    expect(check({ failedDaysOmitted: -1 })).toThrow(/failedDaysOmitted/);
    expect(check({ waiting: [{ workflowId: '', dates: ['2021-01-02'] }] })).toThrow(/workflow ID/);
    expect(check({ waiting: [{ workflowId: 'range/eco2mix/a..b', dates: ['2021-13-02'] }] })).toThrow(/YYYY-MM-DD/);
    const waiting = [{ workflowId: 'range/eco2mix/2021-01-01..2021-01-16', dates: ['2021-01-02'] }];
    expect(checkBackfillInput({ ...input, carried: { ...carried, waiting, failedDaysOmitted: 3 } }).carried).toEqual({
      ...carried,
      waiting,
      failedDaysOmitted: 3,
    });
  });
});
