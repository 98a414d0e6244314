/** The snapshot schedule as code: the configured minutes, or a slot of seconds a test paces it at. */
import { describe, expect, it } from 'vitest';
import { snapshotSchedule } from '../../src/schedules/snapshot-schedule.js';

const SETTINGS = { scheduleId: 'courant-snapshots', everyMinutes: 15, taskQueue: 'courant' };

describe('the snapshot schedule', () => {
  it('starts collectSnapshots every configured slot, its input the minutes alone', () => {
    const { options, shape } = snapshotSchedule(SETTINGS);
    expect(options.spec.intervals).toEqual([{ every: 900_000 }]);
    expect(options.policies?.catchupWindow).toBe(900_000);
    expect(options.action).toMatchObject({ workflowType: 'collectSnapshots', args: [{ everyMinutes: 15 }] });
    expect(shape).toMatchObject({ every: '15m', catchupWindow: '15m', input: '[{"everyMinutes":15}]' });
  });

  it('paced at a slot of seconds: that interval and catch-up window, the seconds in its input', () => {
    const { options, shape } = snapshotSchedule(SETTINGS, { everySeconds: 10 });
    expect(options.spec.intervals).toEqual([{ every: 10_000 }]);
    expect(options.policies?.catchupWindow).toBe(10_000);
    expect(options.action).toMatchObject({ args: [{ everyMinutes: 15, everySeconds: 10 }] });
    expect(shape).toMatchObject({ every: '10s', catchupWindow: '10s' });
  });

  it('refuses a slot of seconds that does not divide a minute', () => {
    expect(() => snapshotSchedule(SETTINGS, { everySeconds: 7 })).toThrow(/must divide a minute/);
    expect(() => snapshotSchedule(SETTINGS, { everySeconds: 60 })).toThrow(/must divide a minute/);
  });
});
