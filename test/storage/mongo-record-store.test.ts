import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MongoClient } from 'mongodb';
import { MongoRecordStore } from '../../src/storage/mongo-record-store.js';
import type { DayRun } from '../../src/storage/records.js';
import { uniqueName } from '../support/names.js';

let store: MongoRecordStore;
let url: string;

const run = (overrides: Partial<DayRun> = {}): DayRun => ({
  dataset: 'eco2mix',
  date: '2024-10-27',
  status: 'running',
  stage: 'download',
  attempt: 1,
  runKind: 'manual',
  workflowId: 'day/eco2mix/2024-10-27',
  runId: 'run-1',
  inputs: [],
  outputs: [],
  rows: null,
  codeVersion: '0.1.0',
  startedAt: '2024-10-28T06:00:00.000Z',
  finishedAt: null,
  error: null,
  ...overrides,
});

beforeAll(async () => {
  const u = new URL(inject('mongodbUrl'));
  u.pathname = `/${uniqueName('records')}`;
  url = u.toString();
  store = await MongoRecordStore.connect(url, 'courant_');
  await store.ensureSchema();
});
afterAll(async () => store.close());

describe('MongoRecordStore (real server)', () => {
  it('upserts a day run by (dataset, date): a second write updates, never duplicates', async () => {
    await store.upsertDayRun(run());
    await store.upsertDayRun({ dataset: 'eco2mix', date: '2024-10-27', status: 'succeeded', stage: 'done' });
    const stored = await store.getDayRun('eco2mix', '2024-10-27');
    expect(stored).toMatchObject({ status: 'succeeded', stage: 'done', runId: 'run-1', attempt: 1 });
    const client = await MongoClient.connect(url);
    try {
      expect(await client.db().collection('courant_day_runs').countDocuments({ date: '2024-10-27' })).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('does not let an older run overwrite the record of a newer one', async () => {
    await store.upsertDayRun(run({ date: '2024-03-31', runId: 'new-run', attempt: 2 }));
    const wrote = await store.upsertDayRun(
      { dataset: 'eco2mix', date: '2024-03-31', status: 'failed' },
      { onlyIfRunId: 'old-run' },
    );
    expect(wrote).toBe(false);
    expect((await store.getDayRun('eco2mix', '2024-03-31'))?.status).toBe('running');
  });

  it('lists day runs of a date range in date order, filtered by dataset', async () => {
    await store.upsertDayRun(run({ date: '2024-01-02' }));
    await store.upsertDayRun(run({ date: '2024-01-01' }));
    const listed = await store.listDayRuns({ from: '2024-01-01', to: '2024-01-02', datasets: ['eco2mix'] });
    expect(listed.map((r) => r.date)).toEqual(['2024-01-01', '2024-01-02']);
    expect(await store.listDayRuns({ from: '2024-01-01', to: '2024-01-02', datasets: ['other'] })).toEqual([]);
  });

  it('replaces metrics and reports by key', async () => {
    await store.upsertMetrics({ dataset: 'eco2mix', date: '2024-10-27', metrics: { points: 1 } });
    await store.upsertMetrics({ dataset: 'eco2mix', date: '2024-10-27', metrics: { points: 100 } });
    expect((await store.getMetrics('eco2mix', '2024-10-27'))?.metrics).toEqual({ points: 100 });
    await store.upsertReport({ period: '2024-10-27', summary: { a: 1 }, keys: ['k1'] });
    await store.upsertReport({ period: '2024-10-27', summary: { a: 2 }, keys: ['k2'] });
    expect(await store.getReport('2024-10-27')).toMatchObject({ summary: { a: 2 }, keys: ['k2'] });
  });

  it('returns null for what was never written', async () => {
    expect(await store.getDayRun('eco2mix', '2012-01-01')).toBeNull();
    expect(await store.getMetrics('eco2mix', '2012-01-01')).toBeNull();
  });
});
