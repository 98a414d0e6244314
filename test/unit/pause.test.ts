import { describe, expect, it } from 'vitest';
import { pauseUnless } from '../../src/cli/pause.js';

const HOUR_MS = 3_600_000;
const pendingTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('pauseUnless', () => {
  it('ends when its signal is aborted, leaving no timer to hold the exit', async () => {
    const before = pendingTimers();
    const until = new AbortController();
    const pausing = pauseUnless(HOUR_MS, until.signal);
    expect(pendingTimers()).toBe(before + 1);
    until.abort();
    await pausing;
    expect(pendingTimers()).toBe(before);
  });

  it('does not wait at all under a signal already aborted', async () => {
    const before = pendingTimers();
    await pauseUnless(HOUR_MS, AbortSignal.abort());
    expect(pendingTimers()).toBe(before);
  });
});
