import { describe, expect, it } from 'vitest';
import { parisClock, parisClockWithOffset } from '../../src/reports/format.js';
import { parisOffsetMs } from '../../src/workflow-safe/partition.js';

const intlClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const intlOffset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'shortOffset' });
const intlWithOffset = (ms: number) =>
  `${intlClock.format(new Date(ms))} (${intlOffset.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value})`;

/** Every `stepMs` from `from` (ISO) for `hours` hours. */
function instants(from: string, hours: number, stepMs: number): number[] {
  const start = Date.parse(from);
  return Array.from({ length: (hours * 3_600_000) / stepMs }, (_, i) => start + i * stepMs);
}

describe('Paris clock of an instant, the offset kept per UTC hour', () => {
  it('writes what Intl writes for every minute of both change nights and of a plain day', () => {
    for (const ms of [
      ...instants('2024-03-30T22:00:00Z', 6, 60_000),
      ...instants('2024-10-26T22:00:00Z', 6, 60_000),
      ...instants('2016-06-01T00:00:00Z', 24, 15 * 60_000),
    ]) {
      expect(parisClock(ms)).toBe(intlClock.format(new Date(ms)));
      expect(parisClockWithOffset(ms)).toBe(intlWithOffset(ms));
    }
  });

  it('writes what Intl writes at instants with seconds, from 1900 to 2040, ISO strings too', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647);
    const from = Date.parse('1900-01-01T00:00:00Z');
    const span = Date.parse('2040-01-01T00:00:00Z') - from;
    for (let i = 0; i < 3_000; i++) {
      const ms = from + Math.floor((next() / 2_147_483_647) * span);
      expect(parisClockWithOffset(ms)).toBe(intlWithOffset(ms));
      expect(parisClock(new Date(ms).toISOString())).toBe(intlClock.format(new Date(ms)));
    }
  });

  it('gives the offset of the instant on both sides of a change within its hour', () => {
    // 1911-03-11: Paris left its mean time (UTC+0:09:21) at 00:01 local, inside a UTC hour.
    const before = Date.parse('1911-03-10T23:30:00Z');
    const after = Date.parse('1911-03-10T23:59:00Z');
    expect(parisOffsetMs(Date.parse('1911-03-10T23:00:00Z'))).not.toBe(parisOffsetMs(after));
    expect(parisClockWithOffset(before)).toBe(intlWithOffset(before));
    expect(parisClockWithOffset(after)).toBe(intlWithOffset(after));
  });
});
