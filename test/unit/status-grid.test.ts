/**
 * The status grid's freshness: a day without a record is late once its dataset's due time has
 * passed (eCO2mix: D+1 07:00 Paris), merely missing before, and never late for a dataset without
 * a due time; quality warnings and accepted checks appear in the day's notes.
 */
import { describe, expect, it } from 'vitest';
import { statusGrid } from '../../src/cli/status-grid.js';
import { eco2mixStatusNotes } from '../../src/datasets/eco2mix/status-notes.js';
import type { CheckResult } from '../../src/workflow-safe/quality.js';
import type { DayRun } from '../../src/storage/records.js';

const dueHours = (dataset: string) => (dataset === 'eco2mix' ? 7 : null);

function run(dataset: string, date: string, status: DayRun['status'], checks: CheckResult[] = []): DayRun {
  return {
    dataset,
    date,
    status,
    stage: 'done',
    attempt: 1,
    runKind: 'manual',
    workflowId: `day/${dataset}/${date}`,
    runId: 'r',
    inputs: [],
    outputs: [],
    rows: null,
    codeVersion: 'test',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: null,
    error: null,
    fallback: false,
    checks,
  };
}

const warned: CheckResult = {
  name: 'completeness',
  severity: 'warn',
  description: 'enough points',
  passed: false,
  observed: 0.9,
  threshold: '≥ 0.95',
  rowsInvolved: 10,
  sample: [],
  file: 'processed/eco2mix/dt=2026-03-28/eco2mix_national.parquet',
  accepted: false,
};

describe('courant status freshness', () => {
  it('marks a day late only once its due time has passed (D+1 07:00 Paris, DST included)', () => {
    const dates = ['2026-03-28', '2026-03-29'];
    const before = statusGrid(dates, ['eco2mix'], [run('eco2mix', '2026-03-28', 'succeeded', [warned])], {
      colour: false,
      dueHours,
      now: new Date('2026-03-30T04:59:00Z'),
    });
    expect(before.counts).toMatchObject({ succeeded: 1, missing: 1, late: 0 });
    expect(before.text).toMatch(/2026-03-28\s+✓ succeeded\s+eco2mix: checks completeness/);
    const after = statusGrid(dates, ['eco2mix'], [run('eco2mix', '2026-03-28', 'succeeded')], {
      colour: false,
      dueHours,
      now: new Date('2026-03-30T05:00:00Z'),
    });
    expect(after.counts).toMatchObject({ succeeded: 1, missing: 0, late: 1 });
    expect(after.text).toMatch(/2026-03-29\s+! late\s+eco2mix: late, due 2026-03-30 07:00 Paris/);
  });

  it('never marks late the days of a dataset without a due time', () => {
    const grid = statusGrid(['2020-01-01'], ['smartmeter'], [], { colour: false, dueHours, now: new Date() });
    expect(grid.counts).toMatchObject({ missing: 1, late: 0 });
  });

  it('shows a day without data (NoData) as such, apart from the failures to mend', () => {
    const noData: DayRun = {
      ...run('cityflow-velib', '2024-01-15', 'failed'),
      error: { type: 'NoData', message: 'no Vélib snapshot was taken during 2024-01-15' },
    };
    const grid = statusGrid(['2024-01-15'], ['cityflow-velib'], [noData], { colour: false, dueHours, now: new Date() });
    expect(grid.counts).toMatchObject({ failed: 0, noData: 1 });
    expect(grid.text).toMatch(/2024-01-15\s+∅ no data\s+cityflow-velib: NoData: no Vélib snapshot/);
    expect(grid.text).toContain('1 without data');
  });

  it('shows a day a blocking quality check stopped as blocked, apart from the other failures', () => {
    const blocked: DayRun = {
      ...run('eco2mix', '2024-01-15', 'failed'),
      error: { type: 'DataQuality', message: '1 blocking quality check(s) failed: balance' },
    };
    const grid = statusGrid(['2024-01-15'], ['eco2mix'], [blocked], { colour: false, dueHours, now: new Date() });
    expect(grid.counts).toMatchObject({ failed: 0, blocked: 1 });
    expect(grid.text).toMatch(/2024-01-15\s+⊘ blocked\s+eco2mix: DataQuality: 1 blocking/);
    expect(grid.text).toContain('0 failed, 1 blocked, 0 running');
  });

  it("names a module's note's dataset once", () => {
    const notes = eco2mixStatusNotes([{ date: '2024-01-15', metrics: { nature: 'realtime' } }]);
    const grid = statusGrid(['2024-01-15'], ['eco2mix'], [run('eco2mix', '2024-01-15', 'succeeded')], {
      colour: false,
      dueHours,
      now: new Date(),
      notes: new Map([['eco2mix/2024-01-15', notes.map((n) => n.note)]]),
    });
    expect(grid.text).toContain('eco2mix: real-time data, to be consolidated');
    expect(grid.text).not.toContain('eco2mix: eco2mix:');
  });

  const longMessage =
    '1 blocking quality check(s) failed: sustained_imbalance (observed 9, expected ≤ 1 hours of a stretch off by more than 1 % that makes the day’s figures wrong)';
  const stopped: DayRun = {
    ...run('eco2mix', '2024-01-15', 'failed'),
    error: { type: 'DataQuality', message: longMessage },
  };

  it('cuts a long note at a word in a range, saying where the whole note is', () => {
    const grid = statusGrid(['2024-01-15', '2024-01-16'], ['eco2mix'], [stopped], {
      colour: false,
      dueHours,
      now: new Date('2024-01-16T00:00:00Z'),
    });
    const line = grid.text.split('\n').find((l) => l.startsWith('2024-01-15')) ?? '';
    const kept = /DataQuality: (.*) … \(whole note: courant status --date 2024-01-15\)$/.exec(line)?.[1];
    expect(kept, line).toBeDefined();
    expect(longMessage.startsWith(kept ?? 'x')).toBe(true);
    expect(longMessage[(kept ?? '').length]).toBe(' ');
  });

  it('keeps every note whole when asked (courant status --date D)', () => {
    const grid = statusGrid(['2024-01-15'], ['eco2mix'], [stopped], {
      colour: false,
      dueHours,
      now: new Date(),
      wholeNotes: true,
    });
    expect(grid.text).toContain(`eco2mix: DataQuality: ${longMessage}`);
  });
});
