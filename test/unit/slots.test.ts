/** Snapshot slots: aligned on the hour, named by their Paris wall-clock start, 23/24/25-hour days. */
import { describe, expect, it } from 'vitest';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { daySlots, slotOf, slotOfSeconds, slotStart, slotStartSeconds } from '../../src/workflow-safe/slots.js';

describe('snapshot slots', () => {
  it('has 24 × 4 quarter-hour slots on an ordinary day, the first at Paris midnight', () => {
    const slots = daySlots('2024-06-12', 15);
    expect(slots).toHaveLength(96);
    expect(slots[0]).toMatchObject({ date: '2024-06-12', name: '0000', start: new Date('2024-06-11T22:00:00Z') });
    expect(slots.at(-1)).toMatchObject({ name: '2345', end: new Date('2024-06-12T22:00:00Z') });
  });

  it('has no 02:xx slot on the 23-hour day and a second pass named +01 on the 25-hour day', () => {
    const spring = daySlots('2024-03-31', 15).map((s) => s.name);
    expect(spring).toHaveLength(92);
    expect(spring).not.toContain('0200');
    const autumn = daySlots('2024-10-27', 15);
    expect(autumn).toHaveLength(100);
    const pass = autumn.filter((s) => s.name.startsWith('0215'));
    expect(pass.map((s) => [s.name, s.start.toISOString()])).toEqual([
      ['0215', '2024-10-27T00:15:00.000Z'],
      ['0215bis', '2024-10-27T01:15:00.000Z'],
    ]);
  });

  it('finds the slot of an instant and the start of a slot by its name', () => {
    expect(slotOf(new Date('2024-10-27T01:20:42Z'), 15)).toMatchObject({ date: '2024-10-27', name: '0215bis' });
    expect(slotOf(new Date('2024-06-11T22:59:59Z'), 60)).toMatchObject({ date: '2024-06-12', name: '0000' });
    expect(slotStart('2024-10-27', '0215bis', 15)).toEqual(new Date('2024-10-27T01:15:00Z'));
    expect(slotStart('2024-03-31', '0215', 15)).toBeNull();
    expect(slotStart('2024-06-12', '0207', 15)).toBeNull();
  });

  it('refuses a slot length that does not divide an hour', () => {
    expect(() => daySlots('2024-06-12', 7)).toThrow(/does not divide an hour/);
  });

  it('names a slot shorter than a minute HHMMSS, bis in the repeated hour, and finds its start by that name', () => {
    expect(slotOfSeconds(new Date('2024-06-12T08:30:47Z'), 10)).toMatchObject({
      date: '2024-06-12',
      name: '103040',
      start: new Date('2024-06-12T08:30:40Z'),
      end: new Date('2024-06-12T08:30:50Z'),
    });
    expect(slotOfSeconds(new Date('2024-10-27T01:20:42Z'), 30)).toMatchObject({ name: '022030bis' });
    expect(slotStartSeconds('2024-06-12', '103040', 10)).toEqual(new Date('2024-06-12T08:30:40Z'));
    expect(slotStartSeconds('2024-06-12', '103045', 10)).toBeNull();
    expect(slotStartSeconds('2024-06-12', '1030', 10)).toBeNull();
    expect(() => slotOfSeconds(new Date(), 7)).toThrow(/does not divide a minute/);
  });

  it('stores a snapshot under its slot name, of minutes or of seconds, and no other name', () => {
    expect(storageKeys.snapshot('cityflow-velib', '2024-10-27', 'velib', '022030bis', 'json')).toBe(
      'raw/cityflow-velib/dt=2024-10-27/velib/022030bis.json',
    );
    expect(storageKeys.snapshot('cityflow-velib', '2024-10-27', 'velib', '0215', 'json')).toBe(
      'raw/cityflow-velib/dt=2024-10-27/velib/0215.json',
    );
    expect(() => storageKeys.snapshot('cityflow-velib', '2024-10-27', 'velib', '02203', 'json')).toThrow(RangeError);
  });
});
