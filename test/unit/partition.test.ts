import { describe, expect, it } from 'vitest';
import {
  datesInRange,
  expectedPoints,
  isPartitionDate,
  nextDate,
  parisDateOf,
  parisDayBounds,
  parisOffsetMinutes,
  partitionDateAttribute,
  partitionDateProblem,
  previousDate,
} from '../../src/workflow-safe/partition.js';

describe('Paris day maths', () => {
  it('an ordinary winter day starts at 23:00 UTC the evening before and has 96 quarter-hours', () => {
    const b = parisDayBounds('2024-01-15');
    expect(b.start.toISOString()).toBe('2024-01-14T23:00:00.000Z');
    expect(b.end.toISOString()).toBe('2024-01-15T23:00:00.000Z');
    expect(b.hours).toBe(24);
    expect(expectedPoints('2024-01-15', 15)).toBe(96);
  });

  it('a summer day starts at 22:00 UTC the evening before', () => {
    const b = parisDayBounds('2025-08-22');
    expect(b.start.toISOString()).toBe('2025-08-21T22:00:00.000Z');
    expect(b.end.toISOString()).toBe('2025-08-22T22:00:00.000Z');
  });

  it('the March change day (2024-03-31) has 23 hours: 92 quarter-hours, 46 half-hours', () => {
    const b = parisDayBounds('2024-03-31');
    expect(b.start.toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect(b.end.toISOString()).toBe('2024-03-31T22:00:00.000Z');
    expect(b.hours).toBe(23);
    expect(expectedPoints('2024-03-31', 15)).toBe(92);
    expect(expectedPoints('2024-03-31', 30)).toBe(46);
  });

  it('the October change day (2024-10-27) has 25 hours: 100 quarter-hours', () => {
    const b = parisDayBounds('2024-10-27');
    expect(b.start.toISOString()).toBe('2024-10-26T22:00:00.000Z');
    expect(b.end.toISOString()).toBe('2024-10-27T23:00:00.000Z');
    expect(b.hours).toBe(25);
    expect(expectedPoints('2024-10-27', 15)).toBe(100);
  });

  it('consecutive days tile time with no gap or overlap across a whole year', () => {
    for (const date of datesInRange('2024-01-01', '2024-12-30')) {
      expect(parisDayBounds(date).end.getTime()).toBe(parisDayBounds(nextDate(date)).start.getTime());
    }
  });

  it("gives Intl's offset at every hour of March and October and to the millisecond around each change, 2012-2030", () => {
    const named = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });
    const intlMinutes = (ms: number) => {
      const name = named.formatToParts(new Date(ms)).find((part) => part.type === 'timeZoneName')?.value ?? '';
      const [, sign, hours, minutes] = /GMT([+-])(\d\d):(\d\d)/.exec(name) ?? [];
      return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
    };
    const instants: number[] = [];
    for (let year = 2012; year <= 2030; year += 1) {
      for (const month of [2, 9]) {
        const start = Date.UTC(year, month, 1);
        for (let at = start; at < Date.UTC(year, month + 1, 1); at += 3_600_000) instants.push(at);
        // The changes, at 01:00 UTC on the month's last Sunday.
        const last = new Date(Date.UTC(year, month + 1, 0));
        const change = Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
        instants.push(change - 1, change, change + 1, change + 3_599_999);
      }
    }
    const differing = instants.filter((at) => parisOffsetMinutes(at) !== intlMinutes(at));
    expect(differing.map((at) => new Date(at).toISOString())).toEqual([]);
    expect(parisOffsetMinutes(Date.UTC(2024, 9, 27, 0, 59, 59, 999))).toBe(120);
    expect(parisOffsetMinutes(Date.UTC(2024, 9, 27, 1))).toBe(60);
  });

  it('finds the Paris day of an instant near midnight in both seasons', () => {
    expect(parisDateOf(new Date('2025-08-21T21:59:59Z'))).toBe('2025-08-21');
    expect(parisDateOf(new Date('2025-08-21T22:00:00Z'))).toBe('2025-08-22');
    expect(parisDateOf(new Date('2024-01-14T23:00:00Z'))).toBe('2024-01-15');
    expect(parisDateOf(new Date('2024-10-27T22:30:00Z'))).toBe('2024-10-27');
  });

  it('steps dates across month, year and leap-day boundaries', () => {
    expect(nextDate('2024-02-28')).toBe('2024-02-29');
    expect(nextDate('2024-12-31')).toBe('2025-01-01');
    expect(previousDate('2024-03-01')).toBe('2024-02-29');
    expect(datesInRange('2024-10-26', '2024-10-28')).toEqual(['2024-10-26', '2024-10-27', '2024-10-28']);
    expect(datesInRange('2024-10-28', '2024-10-26')).toEqual([]);
  });

  it('the PartitionDate attribute is midnight UTC of the day', () => {
    expect(partitionDateAttribute('2024-10-27').toISOString()).toBe('2024-10-27T00:00:00.000Z');
  });
});

describe('partition date validation', () => {
  it('accepts real calendar dates only', () => {
    expect(isPartitionDate('2024-02-29')).toBe(true);
    expect(isPartitionDate('2023-02-29')).toBe(false);
    expect(isPartitionDate('2024-13-01')).toBe(false);
    expect(isPartitionDate('2024-1-01')).toBe(false);
    expect(isPartitionDate('20240101')).toBe(false);
  });

  it('refuses malformed, too early and not-yet-finished days, saying why', () => {
    const now = new Date('2025-08-22T10:00:00Z');
    expect(partitionDateProblem('2025-08-21', now)).toBeNull();
    expect(partitionDateProblem('yesterday', now)).toMatch(/not a date written YYYY-MM-DD/);
    expect(partitionDateProblem('2011-12-31', now)).toMatch(/before 2012-01-01/);
    expect(partitionDateProblem('2025-08-22', now)).toMatch(/not over yet/);
  });

  it('says a day written YYYY-MM-DD that the calendar lacks does not exist, and why', () => {
    const now = new Date('2025-08-22T10:00:00Z');
    expect(partitionDateProblem('2024-02-30', now)).toBe('2024-02-30 does not exist: 2024-02 has 29 days');
    expect(partitionDateProblem('2023-02-29', now)).toBe('2023-02-29 does not exist: 2023-02 has 28 days');
    expect(partitionDateProblem('2024-04-31', now)).toBe('2024-04-31 does not exist: 2024-04 has 30 days');
    expect(partitionDateProblem('2025-13-01', now)).toBe('2025-13-01 does not exist: a year has months 01 to 12');
  });

  it('knows that just after Paris midnight the previous Paris day is over', () => {
    expect(partitionDateProblem('2025-08-21', new Date('2025-08-21T22:05:00Z'))).toBeNull();
    expect(partitionDateProblem('2025-08-21', new Date('2025-08-21T21:55:00Z'))).toMatch(/not over yet/);
  });
});
