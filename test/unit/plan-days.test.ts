/** Which days a backfill plans for each mode, from the day records: cancelled days are still to run. */
import { describe, expect, it } from 'vitest';
import { planDays, stillToRun, type DayStatus } from '../../src/workflow-safe/backfill.js';

const DATES = ['2021-02-01', '2021-02-02', '2021-02-03', '2021-02-04', '2021-02-05', '2021-02-06'];

const RECORDS: readonly DayStatus[] = [
  { dataset: 'eco2mix', date: '2021-02-01', status: 'succeeded', errorType: null },
  { dataset: 'eco2mix', date: '2021-02-02', status: 'failed', errorType: 'TransientIO' },
  { dataset: 'eco2mix', date: '2021-02-03', status: 'cancelled', errorType: 'Cancelled' },
  // Written before the `cancelled` status: a cancelled run was recorded failed as `Cancelled`.
  { dataset: 'eco2mix', date: '2021-02-04', status: 'failed', errorType: 'Cancelled' },
  { dataset: 'eco2mix', date: '2021-02-05', status: 'failed', errorType: 'OutputsMissing' },
];

describe('a backfill plan', () => {
  it('takes cancelled days in `missing` mode, beside the days without a record and those with outputs missing', () => {
    expect(planDays(DATES, ['eco2mix'], RECORDS, 'missing')).toEqual([
      '2021-02-03',
      '2021-02-04',
      '2021-02-05',
      '2021-02-06',
    ]);
  });

  it('takes the failed days in `failed` mode, not the cancelled ones', () => {
    expect(planDays(DATES, ['eco2mix'], RECORDS, 'failed')).toEqual(['2021-02-02', '2021-02-05']);
  });

  it('still runs a cancelled day when it is re-checked before it starts', () => {
    expect(stillToRun(['2021-02-01', '2021-02-03'], ['eco2mix'], RECORDS, 'missing')).toEqual({
      run: ['2021-02-03'],
      skipped: ['2021-02-01'],
      running: [],
    });
  });
});
