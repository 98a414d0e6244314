/**
 * The months of the billing workflow: which month a schedule bills (the Paris month before its
 * nominal time, across the clock changes), which billed months a day moves, and the input check.
 */
import { describe, expect, it } from 'vitest';
import { monthsReadingDay, scheduledMonth } from '../../src/workflow-safe/billing.js';
import { checkBillingMonthInput, InvalidInputError } from '../../src/workflow-safe/inputs.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';

describe('the month a billing schedule bills', () => {
  it.each([
    // 2024-04-02 09:00 Paris (summer time, after 2024-03-31's change): March.
    ['2024-04-02T07:00:00Z', '2024-03'],
    // 2024-11-02 09:00 Paris (winter time, after 2024-10-27's change): October.
    ['2024-11-02T08:00:00Z', '2024-10'],
    // Still 31 December in UTC, already 1 January in Paris: December.
    ['2024-12-31T23:30:00Z', '2024-12'],
    ['2025-01-02T08:00:00Z', '2024-12'],
  ])('a schedule firing at %s bills %s', (at, month) => {
    expect(scheduledMonth(new Date(at))).toBe(month);
  });
});

describe('the months a day moves', () => {
  it("is the day's month, and the next one for a month's last day (its R151 index opens that month)", () => {
    expect(monthsReadingDay('2024-03-15')).toEqual(['2024-03']);
    expect(monthsReadingDay('2024-03-31')).toEqual(['2024-03', '2024-04']);
    expect(monthsReadingDay('2024-10-27')).toEqual(['2024-10']);
    expect(monthsReadingDay('2024-12-31')).toEqual(['2024-12', '2025-01']);
  });
});

describe('the billing workflow input', () => {
  it('takes a month and carried triggers, named by billing/{YYYY-MM}', () => {
    expect(
      checkBillingMonthInput({ month: '2024-03', pending: [{ kind: 'late-day', date: '2024-03-31', flows: ['a'] }] }),
    ).toEqual({
      month: '2024-03',
      pending: [{ kind: 'late-day', date: '2024-03-31', flows: ['a'] }],
    });
    expect(workflowIds.billing('2024-03')).toBe('billing/2024-03');
  });

  it.each([[{ month: '2024-13' }], [{ month: '2024-03', pending: [{ kind: 'later' }] }], ['2024-03']])(
    'refuses %j, saying what it expects',
    (input) => {
      expect(() => checkBillingMonthInput(input)).toThrow(InvalidInputError);
    },
  );
});
