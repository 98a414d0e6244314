import { describe, expect, it } from 'vitest';
import { rowsText } from '../../src/cli/rows-summary.js';
import { EMPTY_ROWS_TALLY, REJECTING_LISTED, tallyDay, type RowsTally } from '../../src/workflow-safe/rows-tally.js';

const day = (date: string, rejected: number, rejectsKey?: string) => ({
  dataset: 'eco2mix',
  date,
  rows: { read: 96 + rejected, written: 96, rejected },
  ...(rejectsKey ? { rejectsKey } : {}),
});

describe('the rows a backfill counts', () => {
  it('adds each dataset-day, listing those with rejected rows and their rejects file', () => {
    let tally: RowsTally = EMPTY_ROWS_TALLY;
    tally = tallyDay(tally, day('2022-01-01', 0, 'quarantine/eco2mix/dt=2022-01-01/eco2mix.rejects.jsonl'));
    tally = tallyDay(tally, day('2022-01-02', 2, 'quarantine/eco2mix/dt=2022-01-02/eco2mix.rejects.jsonl'));
    tally = tallyDay(tally, day('2022-01-03', 1));
    expect(tally).toEqual({
      read: 291,
      written: 288,
      rejected: 3,
      days: 3,
      rejecting: [
        {
          dataset: 'eco2mix',
          date: '2022-01-02',
          read: 98,
          written: 96,
          rejected: 2,
          rejectsKey: 'quarantine/eco2mix/dt=2022-01-02/eco2mix.rejects.jsonl',
        },
        { dataset: 'eco2mix', date: '2022-01-03', read: 97, written: 96, rejected: 1 },
      ],
      moreRejecting: 0,
    });
    expect(rowsText(tally)).toBe(
      'rows: 291 read, 288 written, 3 rejected, over 3 dataset-day(s)\n' +
        '  eco2mix 2022-01-02: 98 rows read, 96 written, 2 rejected (quarantine/eco2mix/dt=2022-01-02/eco2mix.rejects.jsonl)\n' +
        '  eco2mix 2022-01-03: 97 rows read, 96 written, 1 rejected\n',
    );
  });

  it('lists the first dataset-days with rejected rows, then counts the others', () => {
    let tally: RowsTally = EMPTY_ROWS_TALLY;
    for (let d = 1; d <= REJECTING_LISTED + 3; d += 1)
      tally = tallyDay(tally, day(`2022-01-${String(d).padStart(2, '0')}`, 1));
    expect(tally.rejecting.map((r) => r.date)).toEqual(
      Array.from({ length: REJECTING_LISTED }, (_, i) => `2022-01-${String(i + 1).padStart(2, '0')}`),
    );
    expect(tally.moreRejecting).toBe(3);
    expect(tally.rejected).toBe(REJECTING_LISTED + 3);
    expect(rowsText(tally).trimEnd().split('\n').at(-1)).toBe('  and 3 more dataset-day(s) with rejected rows');
  });

  it('says so when the backfill did not count them (started by an earlier courant)', () => {
    expect(rowsText(undefined)).toMatch(/^rows: not counted by this backfill/);
  });
});
