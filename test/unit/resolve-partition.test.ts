import { describe, expect, it } from 'vitest';
import { resolvePartition, scheduledDay } from '../../src/workflow-safe/resolve-partition.js';

describe('resolvePartition', () => {
  it('prefers the explicit input over every attribute', () => {
    expect(
      resolvePartition({
        explicitDate: '2024-10-27',
        partitionDateAttribute: new Date('2024-01-01T00:00:00Z'),
        scheduledStartTime: new Date('2024-05-05T05:00:00Z'),
      }),
    ).toEqual({ ok: true, date: '2024-10-27', from: 'input' });
  });

  it('falls back to the PartitionDate attribute, then to the scheduled time', () => {
    expect(resolvePartition({ partitionDateAttribute: new Date('2024-10-27T00:00:00Z') })).toEqual({
      ok: true,
      date: '2024-10-27',
      from: 'PartitionDate',
    });
    expect(resolvePartition({ scheduledStartTime: new Date('2024-10-28T06:00:00Z') })).toEqual({
      ok: true,
      date: '2024-10-27',
      from: 'TemporalScheduledStartTime',
    });
  });

  it('fails rather than guesses when nothing names the day, or the input is malformed', () => {
    expect(resolvePartition({})).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/the day is unknown/) as unknown,
    });
    expect(resolvePartition({ explicitDate: '27/10/2024' })).toMatchObject({ ok: false });
  });
});

describe('scheduledDay', () => {
  it('is the Paris day before the nominal time, across both DST changes', () => {
    expect(scheduledDay(new Date('2024-10-27T06:00:00Z'))).toBe('2024-10-26');
    expect(scheduledDay(new Date('2024-10-28T06:00:00Z'))).toBe('2024-10-27');
    expect(scheduledDay(new Date('2024-03-31T05:00:00Z'))).toBe('2024-03-30');
    expect(scheduledDay(new Date('2024-04-01T05:00:00Z'))).toBe('2024-03-31');
  });

  it('uses the Paris calendar, not UTC, just after Paris midnight', () => {
    expect(scheduledDay(new Date('2024-06-01T22:30:00Z'))).toBe('2024-06-01');
  });
});
