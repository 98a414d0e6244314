/** The backfill progress line the CLI prints while `--wait`ing: planning, preparing an import, then the bar. */
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/backfill-progress.js';
import type { BackfillProgress } from '../../src/workflow-safe/backfill.js';

const progress: BackfillProgress = {
  planned: 365,
  succeeded: 0,
  failed: 0,
  running: [],
  pending: 365,
  paused: false,
  failedDays: [],
};

describe('the backfill progress line', () => {
  it('says what a backfill does before its days start, then counts them', () => {
    expect(progressLine({ ...progress, planning: true })).toBe('planning: reading the day records…');
    expect(progressLine({ ...progress, planning: false, preparing: 365 })).toBe(
      'preparing 365 days of the import, fifty at a time…',
    );
    expect(progressLine({ ...progress, succeeded: 73, running: ['2017-03-15'], pending: 291 })).toBe(
      '[######........................] 73/365 days · 73 succeeded · 0 failed · 1 running · 291 pending',
    );
  });
});
