/** The explicit rule for RTE's Paris wall-clock times, and the report periods built on Paris days. */
import { describe, expect, it } from 'vitest';
import {
  parisWallClockInstants,
  readRteDate,
  readRteTime,
  wallClockInstant,
} from '../../src/datasets/eco2mix/rte/time.js';
import { datesOfMonth, datesOfYear, parentPeriod, parsePeriod } from '../../src/workflow-safe/periods.js';

const iso = (ms: readonly number[]) => ms.map((m) => new Date(m).toISOString());

describe('Paris wall-clock times of RTE files', () => {
  it('gives one instant for an ordinary time, winter and summer', () => {
    expect(iso(parisWallClockInstants('2020-01-15', '12:00'))).toEqual(['2020-01-15T11:00:00.000Z']);
    expect(iso(parisWallClockInstants('2020-07-15', '12:00'))).toEqual(['2020-07-15T10:00:00.000Z']);
  });

  it('gives none in the March gap and one on each side of it', () => {
    expect(parisWallClockInstants('2020-03-29', '02:00')).toEqual([]);
    expect(parisWallClockInstants('2020-03-29', '02:45')).toEqual([]);
    expect(iso(parisWallClockInstants('2020-03-29', '01:45'))).toEqual(['2020-03-29T00:45:00.000Z']);
    expect(iso(parisWallClockInstants('2020-03-29', '03:00'))).toEqual(['2020-03-29T01:00:00.000Z']);
  });

  it('gives two in the October repeated hour, summer time first', () => {
    expect(iso(parisWallClockInstants('2020-10-25', '02:30'))).toEqual([
      '2020-10-25T00:30:00.000Z',
      '2020-10-25T01:30:00.000Z',
    ]);
    expect(iso(parisWallClockInstants('2020-10-25', '03:00'))).toEqual(['2020-10-25T02:00:00.000Z']);
    expect(wallClockInstant('2020-10-25', '02:30', 1)).toEqual({
      ok: true,
      instant: Date.parse('2020-10-25T01:30:00Z'),
    });
    expect(wallClockInstant('2020-10-25', '02:30', 2).ok).toBe(false);
    expect(wallClockInstant('2020-10-26', '02:30', 1)).toEqual({ ok: false, reason: '2020-10-26 02:30 appears twice' });
  });

  it('reads both date spellings and times on the minute only', () => {
    expect(readRteDate('25/10/2020')).toBe('2020-10-25');
    expect(readRteDate(' 2020-10-25 ')).toBe('2020-10-25');
    expect(readRteDate('31/02/2020')).toBeNull();
    expect(readRteDate('2020/10/25')).toBeNull();
    expect(readRteTime('2:15')).toBe('02:15');
    expect(readRteTime('02:15:00')).toBe('02:15');
    expect(readRteTime('02:15:30')).toBeNull();
    expect(readRteTime('24:00')).toBeNull();
  });
});

describe('report periods', () => {
  it('parses days, months, years and the index, and knows what encloses each', () => {
    expect(parsePeriod('2020-02-29')).toEqual({ kind: 'day', name: '2020-02-29' });
    expect(parsePeriod('2020-02')).toEqual({ kind: 'month', name: '2020-02' });
    expect(parsePeriod('2020')).toEqual({ kind: 'year', name: '2020' });
    expect(parsePeriod('2020-13')).toBeNull();
    expect(parsePeriod('2021-02-29')).toBeNull();
    expect(parentPeriod({ kind: 'day', name: '2020-02-29' })).toEqual({ kind: 'month', name: '2020-02' });
    expect(parentPeriod({ kind: 'month', name: '2020-02' })).toEqual({ kind: 'year', name: '2020' });
    expect(parentPeriod({ kind: 'year', name: '2020' })).toEqual({ kind: 'index', name: 'index' });
    expect(parentPeriod({ kind: 'index', name: 'index' })).toBeNull();
  });

  it('lists the days of a month and of a year, leap years included', () => {
    expect(datesOfMonth('2020-02')).toHaveLength(29);
    expect(datesOfMonth('2021-02').at(-1)).toBe('2021-02-28');
    expect(datesOfYear('2020')).toHaveLength(366);
    expect(datesOfYear('2021')).toHaveLength(365);
  });
});
