/** The RecordStore contract (docs/architecture.md#records), one suite run against MongoDB and DynamoDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DayRun, RecordStore, SftpFaultRecord, SftpFileRecord } from '../../src/storage/records.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { TEST_DEADLINE_MS } from '../support/deadlines.js';

export interface RecordStoreUnderTest {
  readonly store: RecordStore;
  /** How many day runs of one (dataset, date) the database holds, counted by the database itself. */
  countDayRuns(dataset: string, date: string): Promise<number>;
  close(): Promise<void>;
}

export const dayRun = (overrides: Partial<DayRun> = {}): DayRun => ({
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
  fallback: false,
  ...overrides,
});

export function recordStoreContract(name: string, open: () => Promise<RecordStoreUnderTest>): void {
  describe(`RecordStore contract: ${name}`, () => {
    let subject: RecordStoreUnderTest;
    let store: RecordStore;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      await store.ensureSchema();
      await store.ensureSchema();
    });
    afterAll(async () => subject.close());

    it('upserts a day run by (dataset, date): a second write updates, never duplicates', async () => {
      expect(await store.upsertDayRun(dayRun())).toBe(true);
      await store.upsertDayRun({ dataset: 'eco2mix', date: '2024-10-27', status: 'succeeded', stage: 'done' });
      expect(await store.getDayRun('eco2mix', '2024-10-27')).toMatchObject({
        status: 'succeeded',
        stage: 'done',
        runId: 'run-1',
        attempt: 1,
        fallback: false,
      });
      expect(await subject.countDayRuns('eco2mix', '2024-10-27')).toBe(1);
    });

    it('round-trips every field of a finished day run exactly', async () => {
      const run = dayRun({
        date: '2024-10-26',
        status: 'failed',
        stage: 'transform',
        inputs: [
          { source: 'realtime', key: 'raw/eco2mix/dt=2024-10-26/realtime.csv', sha256: 'a'.repeat(64), bytes: 12 },
        ],
        outputs: ['processed/eco2mix/dt=2024-10-26/eco2mix_national.parquet'],
        rows: { read: 100, written: 98, rejected: 2 },
        finishedAt: '2024-10-27T06:01:02.345Z',
        error: { type: 'BadData', message: 'raw/eco2mix/dt=2024-10-26/realtime.csv, line 3: "x"' },
        fallback: true,
      });
      await store.upsertDayRun(run);
      expect(await store.getDayRun('eco2mix', '2024-10-26')).toEqual(run);
    });

    it('updates a record only for the run that owns it (onlyIfRunId), and never creates one that way', async () => {
      await store.upsertDayRun(dayRun({ date: '2024-03-31', runId: 'new-run', attempt: 2 }));
      const wrote = await store.upsertDayRun(
        { dataset: 'eco2mix', date: '2024-03-31', status: 'failed' },
        { onlyIfRunId: 'old-run' },
      );
      expect(wrote).toBe(false);
      expect((await store.getDayRun('eco2mix', '2024-03-31'))?.status).toBe('running');
      expect(
        await store.upsertDayRun(
          { dataset: 'eco2mix', date: '2024-03-31', fallback: true },
          { onlyIfRunId: 'new-run' },
        ),
      ).toBe(true);
      expect((await store.getDayRun('eco2mix', '2024-03-31'))?.fallback).toBe(true);
      expect(
        await store.upsertDayRun({ dataset: 'eco2mix', date: '2013-01-01', status: 'failed' }, { onlyIfRunId: 'x' }),
      ).toBe(false);
      expect(await store.getDayRun('eco2mix', '2013-01-01')).toBeNull();
    });

    it('never lets an older attempt replace a newer one', async () => {
      await store.upsertDayRun(dayRun({ date: '2024-10-25', runId: 'run-3', attempt: 3 }));
      expect(await store.upsertDayRun(dayRun({ date: '2024-10-25', runId: 'run-2', attempt: 2 }))).toBe(false);
      expect(await store.getDayRun('eco2mix', '2024-10-25')).toMatchObject({ runId: 'run-3', attempt: 3 });
      expect(
        await store.upsertDayRun(dayRun({ date: '2024-10-25', runId: 'run-3', attempt: 3, stage: 'metrics' })),
      ).toBe(true);
      expect(await store.upsertDayRun(dayRun({ date: '2024-10-25', runId: 'run-4', attempt: 4 }))).toBe(true);
      expect(await store.getDayRun('eco2mix', '2024-10-25')).toMatchObject({ runId: 'run-4', attempt: 4 });
    });

    it('lists day runs of a date range across pages, in date order, filtered by dataset', async () => {
      const dates = Array.from({ length: 23 }, (_, i) => `2023-02-${String(i + 1).padStart(2, '0')}`);
      for (const date of [...dates].reverse()) await store.upsertDayRun(dayRun({ date }));
      const listed = await store.listDayRuns({ from: '2023-02-03', to: '2023-02-20', datasets: ['eco2mix'] });
      expect(listed.map((r) => r.date)).toEqual(dates.slice(2, 20));
      expect((await store.listDayRuns({ from: '2023-02-01', to: '2023-02-28' })).length).toBe(23);
      expect(await store.listDayRuns({ from: '2023-02-01', to: '2023-02-28', datasets: ['other'] })).toEqual([]);
    });

    it('lists short and long ranges alike, date then dataset, and statuses alone when asked', async () => {
      await store.upsertDayRun(dayRun({ dataset: 'zeta', date: '2023-03-02', status: 'failed' }));
      await store.upsertDayRun(dayRun({ dataset: 'eco2mix', date: '2023-03-02', status: 'succeeded' }));
      await store.upsertDayRun(dayRun({ dataset: 'zeta', date: '2023-03-01', status: 'succeeded' }));
      const expected = [
        { dataset: 'zeta', date: '2023-03-01', status: 'succeeded', errorType: null },
        { dataset: 'eco2mix', date: '2023-03-02', status: 'succeeded', errorType: null },
        { dataset: 'zeta', date: '2023-03-02', status: 'failed', errorType: null },
      ];
      const datasets = ['zeta', 'eco2mix'];
      // A month and two years: read key by key or by a range filter, depending on the store.
      for (const range of [
        { from: '2023-03-01', to: '2023-03-31' },
        { from: '2022-03-01', to: '2024-03-31' },
      ]) {
        const runs = await store.listDayRuns({ ...range, datasets });
        const inMarch = (run: { readonly date: string }) => run.date >= '2023-03-01' && run.date <= '2023-03-31';
        const fromMarch = runs.filter(inMarch);
        expect(
          fromMarch.map(({ dataset, date, status, error }) => ({
            dataset,
            date,
            status,
            errorType: error?.type ?? null,
          })),
        ).toEqual(expected);
        const statuses = await store.listDayStatuses({ ...range, datasets });
        expect(statuses.filter(inMarch)).toEqual(expected);
        expect(statuses).toHaveLength(runs.length);
      }
    });

    it('lists the status of each day as its latest write left it, with the error type of a failed day', async () => {
      const range = { from: '2021-06-01', to: '2021-06-30', datasets: ['eco2mix'] };
      const longRange = { from: '2019-01-01', to: '2021-12-31', datasets: ['eco2mix'] };
      const day = { date: '2021-06-10', runId: 'run-7', workflowId: 'day/eco2mix/2021-06-10' };
      await store.upsertDayRun(dayRun(day));
      const failed = { type: 'DataQuality', message: 'quality check balance failed' };
      await store.upsertDayRun(
        { dataset: 'eco2mix', date: day.date, status: 'failed', stage: 'quality', error: failed },
        { onlyIfRunId: 'run-7' },
      );
      // A write the record refuses leaves the status as it was.
      await store.upsertDayRun(
        { dataset: 'eco2mix', date: day.date, status: 'succeeded', error: null },
        { onlyIfRunId: 'run-6' },
      );
      const blocked = { dataset: 'eco2mix', date: day.date, status: 'failed', errorType: 'DataQuality' };
      expect(await store.listDayStatuses(range)).toEqual([blocked]);
      expect((await store.listDayStatuses(longRange)).filter((s) => s.date === day.date)).toEqual([blocked]);
      const summaryOfBlocked = { dataset: 'eco2mix', date: day.date, status: 'failed', runId: 'run-7', error: failed };
      expect(await store.listDayRunSummaries(range)).toEqual([summaryOfBlocked]);
      expect((await store.listDayRunSummaries(longRange)).filter((s) => s.date === day.date)).toEqual([
        summaryOfBlocked,
      ]);
      await store.upsertDayRun(dayRun({ ...day, runId: 'run-8', attempt: 2 }));
      await store.upsertDayRun(
        { dataset: 'eco2mix', date: day.date, status: 'succeeded', stage: 'metrics', error: null },
        { onlyIfRunId: 'run-8' },
      );
      expect(await store.listDayStatuses(range)).toEqual([
        { dataset: 'eco2mix', date: day.date, status: 'succeeded', errorType: null },
      ]);
      const succeeded = { dataset: 'eco2mix', date: day.date, status: 'succeeded', runId: 'run-8', error: null };
      expect(await store.listDayRunSummaries(range)).toEqual([succeeded]);
      expect((await store.listDayRunSummaries(longRange)).filter((s) => s.date === day.date)).toEqual([succeeded]);
    });

    it('replaces the records and metrics of 60 days in bulk, each as written, statuses listed', async () => {
      const dates = Array.from(
        { length: 60 },
        (_, i) => `2019-0${1 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}`,
      );
      await store.upsertDayRun(dayRun({ date: dates[0], runId: 'older', attempt: 3 }));
      const runs = dates.map((date, i) =>
        dayRun({
          date,
          runId: 'range-run',
          workflowId: 'range/eco2mix/x',
          status: i === 7 ? 'failed' : 'succeeded',
          stage: i === 7 ? 'quality' : 'done',
          error: i === 7 ? { type: 'DataQuality', message: 'blocked' } : null,
          rows: { read: 96, written: 96 - i, rejected: i },
          outputFiles: [{ key: `metrics/eco2mix/dt=${date}/metrics.json`, bytes: 10 + i, sha256: 'ab'.repeat(32) }],
          checks: [
            {
              name: 'balance',
              severity: 'block',
              description: 'production and consumption agree',
              passed: i !== 7,
              observed: 0.5,
              threshold: '≤ 0.05',
              accepted: false,
              rowsInvolved: i === 7 ? 3 : 0,
              sample: [],
              file: `processed/eco2mix/dt=${date}/readings.parquet`,
            },
          ],
        }),
      );
      await store.putDayRuns(runs);
      await store.putMetricsRecords(
        dates.map((date, i) => ({ dataset: 'eco2mix', date, metrics: { points: i, f: 0.1 + 0.2 } })),
      );
      const listed = await store.listDayRuns({ from: '2019-01-01', to: '2019-03-31', datasets: ['eco2mix'] });
      expect(listed).toEqual(runs);
      const statuses = await store.listDayStatuses({ from: '2019-01-01', to: '2019-03-31', datasets: ['eco2mix'] });
      expect(statuses.filter((s) => s.status === 'failed')).toEqual([
        { dataset: 'eco2mix', date: dates[7], status: 'failed', errorType: 'DataQuality' },
      ]);
      const summaries = await store.listDayRunSummaries({
        from: '2019-01-01',
        to: '2019-03-31',
        datasets: ['eco2mix'],
      });
      expect(summaries).toEqual(
        runs.map(({ dataset, date, status, runId, error }) => ({ dataset, date, status, runId, error })),
      );
      expect(await subject.countDayRuns('eco2mix', dates[0] ?? '')).toBe(1);
      expect((await store.getMetrics('eco2mix', dates[59] ?? ''))?.metrics).toEqual({ points: 59, f: 0.1 + 0.2 });
    });

    it('lists many days of several datasets whole, date then dataset, however many there are', async () => {
      // Past 400 days found, FerretDB's store reads by range filter instead of key by key.
      const dates = datesInRange('2017-01-01', '2017-10-31');
      const runs = dates.flatMap((date, i) => [
        dayRun({ dataset: 'alpha', date, rows: { read: i, written: i, rejected: 0 } }),
        ...(i % 2 === 0 ? [dayRun({ dataset: 'beta', date, status: 'failed', stage: 'download' })] : []),
      ]);
      await store.putDayRuns(runs);
      for (const datasets of [['alpha', 'beta'], ['alpha']]) {
        const listed = await store.listDayRuns({ from: '2017-01-01', to: '2017-10-31', datasets });
        expect(listed).toEqual(runs.filter((run) => datasets.includes(run.dataset)));
      }
      const march = await store.listDayRuns({ from: '2017-03-01', to: '2017-03-31', datasets: ['alpha', 'beta'] });
      expect(march).toEqual(runs.filter((run) => run.date.startsWith('2017-03')));
    });

    it('replaces 130 stored records in one call, and four ranges of 32 at once', async () => {
      // FerretDB 1.x held a connection per replaced document until the command ended: past 100 it
      // waited for good (hence the timeout of this test, not a measure of its time).
      const dates = Array.from({ length: 130 }, (_, i) =>
        new Date(Date.UTC(2016, 0, 1 + i)).toISOString().slice(0, 10),
      );
      const runs = dates.map((date) => dayRun({ date, workflowId: 'range/eco2mix/x' }));
      await store.putDayRuns(runs);
      const done = runs.map((run) => ({ ...run, status: 'succeeded' as const, stage: 'done' as const }));
      await store.putDayRuns(done);
      const again = done.map((run) => ({ ...run, runId: 'run-2', attempt: 2 }));
      await Promise.all([0, 1, 2, 3].map((k) => store.putDayRuns(again.slice(k * 32, k * 32 + 32))));
      const metrics = (points: number) => dates.map((date) => ({ dataset: 'eco2mix', date, metrics: { points } }));
      await store.putMetricsRecords(metrics(1));
      await store.putMetricsRecords(metrics(2));
      await store.putReports(dates.map((period) => ({ period, summary: { status: 'ok' }, keys: [] })));
      await store.putReports(dates.map((period) => ({ period, summary: { status: 'again' }, keys: [] })));
      const listed = await store.listDayRuns({ from: dates[0] ?? '', to: dates.at(-1) ?? '', datasets: ['eco2mix'] });
      expect(listed).toEqual([...again.slice(0, 128), ...done.slice(128)]);
      expect((await store.getMetrics('eco2mix', dates[129] ?? ''))?.metrics).toEqual({ points: 2 });
      expect((await store.getReport(dates[100] ?? ''))?.summary).toEqual({ status: 'again' });
    });

    it('opens the records of a range: each day held running by another run is left to it, the others taken', async () => {
      const dates = ['2018-01-01', '2018-01-02', '2018-01-03', '2018-01-04'];
      await store.upsertDayRun(dayRun({ date: dates[0], runId: 'other' }));
      await store.upsertDayRun(dayRun({ date: dates[1], runId: 'other', status: 'succeeded', stage: 'done' }));
      await store.upsertDayRun(dayRun({ date: dates[2], runId: 'mine' }));
      const mine = dates.map((date) => dayRun({ date, runId: 'mine', workflowId: 'range/eco2mix/y', attempt: 2 }));
      expect(await store.openDayRuns(mine)).toEqual([dates[0]]);
      const listed = await store.listDayRuns({ from: dates[0] ?? '', to: dates[3] ?? '', datasets: ['eco2mix'] });
      expect(listed.map((r) => [r.date, r.runId, r.status])).toEqual([
        [dates[0], 'other', 'running'],
        [dates[1], 'mine', 'running'],
        [dates[2], 'mine', 'running'],
        [dates[3], 'mine', 'running'],
      ]);
      const statuses = await store.listDayStatuses({ from: dates[0] ?? '', to: dates[3] ?? '', datasets: ['eco2mix'] });
      expect(statuses.map((s) => s.status)).toEqual(['running', 'running', 'running', 'running']);
      expect(await store.openDayRuns(mine.map((run) => ({ ...run, runId: 'third' })))).toEqual(dates);
      expect(await subject.countDayRuns('eco2mix', dates[3] ?? '')).toBe(1);
    });

    it('opens the records of a range from the records its caller has read, as from its own reading', async () => {
      const dates = ['2017-01-01', '2017-01-02', '2017-01-03'];
      await store.upsertDayRun(dayRun({ date: dates[0], runId: 'other' }));
      await store.upsertDayRun(dayRun({ date: dates[1], runId: 'other', status: 'failed', stage: 'download' }));
      const range = { from: dates[0] ?? '', to: dates[2] ?? '', datasets: ['eco2mix'] };
      const read = new Map((await store.listDayRuns(range)).map((run) => [run.date, run]));
      const mine = dates.map((date) => dayRun({ date, runId: 'mine', workflowId: 'range/eco2mix/z' }));
      expect(await store.openDayRuns(mine, read)).toEqual([dates[0]]);
      expect((await store.listDayRuns(range)).map((r) => [r.date, r.runId])).toEqual([
        [dates[0], 'other'],
        [dates[1], 'mine'],
        [dates[2], 'mine'],
      ]);
      expect(await subject.countDayRuns('eco2mix', dates[2] ?? '')).toBe(1);
    });

    it('replaces metrics and reports by key, keeping nested values, nulls and floats exact', async () => {
      await store.upsertMetrics({ dataset: 'eco2mix', date: '2024-10-27', metrics: { points: 1 } });
      const metrics = {
        points: 92,
        completeness: 92 / 100,
        consumption: { energyMWh: 901_894.25, peakAt: '2025-08-22T10:45:00.000Z', minMW: null },
        production: { bySourceMWh: { nucleaire: 0.1 + 0.2 } },
        empty: {},
        list: [1, 'two', null],
      };
      await store.upsertMetrics({ dataset: 'eco2mix', date: '2024-10-27', metrics });
      expect((await store.getMetrics('eco2mix', '2024-10-27'))?.metrics).toEqual(metrics);
      await store.upsertReport({ period: '2024-10-27', summary: { a: 1 }, keys: ['k1'] });
      await store.upsertReport({ period: '2024-10-27', summary: { a: 2 }, keys: ['k2', 'k3'] });
      expect(await store.getReport('2024-10-27')).toEqual({
        period: '2024-10-27',
        summary: { a: 2 },
        keys: ['k2', 'k3'],
      });
      const days = Array.from({ length: 30 }, (_, i) => `2024-11-${String(i + 1).padStart(2, '0')}`);
      await store.putReports(days.map((period, i) => ({ period, summary: { i }, keys: [`k${i}`] })));
      await store.putReports([
        { period: '2024-10-27', summary: { a: 3 }, keys: ['k4'] },
        { period: '2024-11-30', summary: { i: 'again' }, keys: [] },
      ]);
      expect(await store.getReport('2024-10-27')).toEqual({ period: '2024-10-27', summary: { a: 3 }, keys: ['k4'] });
      expect(await store.getReport('2024-11-01')).toEqual({ period: '2024-11-01', summary: { i: 0 }, keys: ['k0'] });
      expect(await store.getReport('2024-11-30')).toEqual({ period: '2024-11-30', summary: { i: 'again' }, keys: [] });
    });

    it('records files fetched by SFTP by (dataset, name): listed across pages by name, a refetch replacing its record', async () => {
      const fetched = (name: string, size: number): SftpFileRecord => ({
        dataset: 'enedis',
        name,
        size,
        mtime: '2025-01-02T03:04:05.000Z',
        fetchedAt: '2025-01-02T03:04:30.000Z',
        inboxKey: `inbox/enedis/${name}`,
        sha256: 'a'.repeat(64),
      });
      const names = Array.from({ length: 12 }, (_, i) => `ENEDIS_R151_${String(12 - i).padStart(5, '0')}.zip`);
      for (const name of names) await store.putSftpFile(fetched(name, 100));
      await store.putSftpFile({ ...fetched('other.zip', 1), dataset: 'smartmeter' });
      await store.putSftpFile(fetched(names[0] ?? '', 200));
      const listed = await store.listSftpFiles('enedis');
      expect(listed.map((r) => r.name)).toEqual([...names].sort());
      expect(await store.getSftpFile('enedis', names[0] ?? '')).toEqual(fetched(names[0] ?? '', 200));
      expect(await store.getSftpFile('enedis', 'other.zip')).toBeNull();
      expect(await store.listSftpFiles('eco2mix')).toEqual([]);
    });

    it('leases a piece of work to one holder at a time: extended by it, taken once ended or released', async () => {
      const name = `billing/${Date.now()}-${Math.random()}`;
      // Held for longer than the test may run: only a release or a lease of no duration ends one here.
      const held = TEST_DEADLINE_MS;
      expect(await store.claimLease(name, 'cli', held)).toEqual({ claimed: true });
      const refused = await store.claimLease(name, 'worker', held);
      expect(refused).toMatchObject({ claimed: false, held: { holder: 'cli' } });
      if (!refused.claimed) expect(refused.held.until).toBeGreaterThan(Date.now());
      expect(await store.claimLease(name, 'cli', held)).toEqual({ claimed: true });
      await store.releaseLease(name, 'worker');
      expect(await store.claimLease(name, 'worker', held)).toMatchObject({ claimed: false });
      await store.releaseLease(name, 'cli');
      expect(await store.claimLease(name, 'worker', 0)).toEqual({ claimed: true });
      // A lease of no duration has ended as soon as it is taken.
      expect(await store.claimLease(name, 'third', held)).toEqual({ claimed: true });
      await store.releaseLease(name, 'worker');
      expect(await store.claimLease(name, 'worker', held)).toMatchObject({
        claimed: false,
        held: { holder: 'third' },
      });
      expect(await store.getReport(`billing/month=${name}`)).toBeNull();
    });

    it('looks up fetched files by key, in chunks, only the names asked for', async () => {
      const record = (name: string): SftpFileRecord => ({
        dataset: 'enedis',
        name,
        size: 7,
        mtime: '2025-01-02T03:04:05.000Z',
        fetchedAt: '2025-01-02T03:04:30.000Z',
        inboxKey: `inbox/enedis/${name}`,
        sha256: 'c'.repeat(64),
      });
      const names = Array.from({ length: 230 }, (_, i) => `ENEDIS_R15_bykey_${String(i).padStart(5, '0')}.zip`);
      await Promise.all(names.map((name) => store.putSftpFile(record(name))));
      await store.putSftpFile({ ...record(names[0] ?? ''), dataset: 'smartmeter' });
      const asked = [...names.filter((_, i) => i % 2 === 0), 'never-fetched.zip', 'enedis/faults'];
      const found = await store.getSftpFiles('enedis', asked);
      expect(found.map((r) => r.name).sort()).toEqual(names.filter((_, i) => i % 2 === 0));
      expect(found.find((r) => r.name === names[0])).toEqual(record(names[0] ?? ''));
      // Handed to a batch: the record keeps which, and when.
      const handed = {
        ...record(names[2] ?? ''),
        batch: 'ingest-batch/enedis/0123456789abcdef',
        handedAt: '2025-01-02T03:05:00.000Z',
      };
      await store.putSftpFile(handed);
      expect(await store.getSftpFiles('enedis', [handed.name])).toEqual([handed]);
      expect(await store.getSftpFiles('enedis', [])).toEqual([]);
      expect(await store.getSftpFiles('eco2mix', names)).toEqual([]);
    });

    it('keeps the faults of SFTP entries apart from the fetched files: listed by name, replaced, removed by name', async () => {
      const fault = (name: string, attempts: number): SftpFaultRecord => ({
        dataset: 'enedis',
        name,
        size: 4096,
        mtime: '2025-01-02T03:04:05.000Z',
        reason: 'a folder, not a file: Failure (SFTP status 4)',
        attempts,
        firstFailedAt: '2025-01-02T04:00:00.000Z',
        lastFailedAt: '2025-01-02T04:00:00.000Z',
        nextTryAt: '2025-01-02T04:01:00.000Z',
      });
      const names = Array.from({ length: 5 }, (_, i) => `ENEDIS_R151_fault_${String(5 - i).padStart(5, '0')}.zip`);
      for (const name of names) await store.putSftpFault(fault(name, 1));
      await store.putSftpFault(fault(names[0] ?? '', 2));
      await store.putSftpFault({ ...fault('other.zip', 1), dataset: 'smartmeter' });
      // A fetched file of the same name is another record.
      await store.putSftpFile({
        dataset: 'enedis',
        name: names[1] ?? '',
        size: 1,
        mtime: '2025-01-01T00:00:00.000Z',
        fetchedAt: '2025-01-01T00:00:10.000Z',
        inboxKey: 'inbox/enedis/x',
        sha256: 'b'.repeat(64),
      });
      const listed = await store.listSftpFaults('enedis');
      expect(listed.map((f) => f.name)).toEqual([...names].sort());
      expect(listed.find((f) => f.name === names[0])).toEqual(fault(names[0] ?? '', 2));
      expect((await store.listSftpFiles('enedis')).map((f) => f.name)).not.toContain(names[0]);
      expect(await store.getSftpFile('enedis', names[1] ?? '')).toMatchObject({ size: 1 });

      await store.deleteSftpFaults('enedis', [names[0] ?? '', names[2] ?? '', 'never-failed.zip']);
      await store.deleteSftpFaults('enedis', []);
      expect((await store.listSftpFaults('enedis')).map((f) => f.name)).toEqual(
        [names[1], names[3], names[4]].map(String).sort(),
      );
      expect(await store.getSftpFile('enedis', names[1] ?? '')).toMatchObject({ size: 1 });
      expect(await store.listSftpFaults('smartmeter')).toEqual(
        [fault('other.zip', 1)].map((f) => ({ ...f, dataset: 'smartmeter' })),
      );
      expect(await store.listSftpFaults('eco2mix')).toEqual([]);
    });

    it('names the server name of an inbox name cleaned from it, apart from the fetched files', async () => {
      const inboxNames = Array.from({ length: 3 }, (_, i) => `${String(i).repeat(16)}-R151_2024-08-1${i}_a_b.zip`);
      for (const [i, name] of inboxNames.entries())
        await store.putSftpInboxName('enedis', name, `R151 2024-08-1${i} a b.zip`);
      await store.putSftpInboxName('smartmeter', inboxNames[0] ?? '', 'other name.zip');
      const found = await store.getSftpServerNames('enedis', [...inboxNames.slice(1), 'never-written.zip']);
      expect([...found].sort()).toEqual([
        [inboxNames[1], 'R151 2024-08-11 a b.zip'],
        [inboxNames[2], 'R151 2024-08-12 a b.zip'],
      ]);
      expect(await store.getSftpServerNames('enedis', [])).toEqual(new Map());
      expect((await store.listSftpFiles('enedis')).map((f) => f.name)).not.toContain(inboxNames[0]);
      expect(await store.getSftpFile('enedis', inboxNames[0] ?? '')).toBeNull();
    });

    it('returns null for what was never written', async () => {
      expect(await store.getDayRun('eco2mix', '2012-01-01')).toBeNull();
      expect(await store.getMetrics('eco2mix', '2012-01-01')).toBeNull();
      expect(await store.getReport('2012-01-01')).toBeNull();
    });
  });
}
