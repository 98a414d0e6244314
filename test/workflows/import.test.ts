/**
 * `courant import` of the real RTE file of June 2016 on the real dev server, worker and stores:
 * the days it covers run from the file (the API is unreachable), each with the metrics of
 * docs/architecture.md#metrics-documents, and the monthly and annual reports follow.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eco2mixMetricsSchema, type Eco2mixMetrics } from '../../src/datasets/eco2mix/metrics-schema.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { datesInRange } from '../../src/workflow-safe/partition.js';
import { BackfillId, RunKindAttribute } from '../../src/workflow-safe/search-attributes.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import type { DatasetPeriod, PeriodReport } from '../../src/reports/period-report.js';
import { eco2mixFixturePath } from '../support/eco2mix-fixtures.js';
import { runCommandLine } from '../support/run-cli.js';
import { emptyExport } from '../support/synthetic-eco2mix.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const SAMPLE = eco2mixFixturePath('vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls');
const DAYS = datesInRange('2016-06-01', '2016-06-25');

let odre: OdreServer;
let harness: TestWorkerHarness;
let env: Record<string, string>;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);
const json = async <T>(key: string) => JSON.parse(await readFile(dataPath(key), 'utf8')) as T;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Σ Consommation × 0.25 h per local date, read straight from the file. */
async function energiesByHand(): Promise<Map<string, number>> {
  const text = new TextDecoder('latin1').decode(await readFile(SAMPLE));
  const sums = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const [, , date, , consumption] = line.split('\t');
    if (date && consumption && consumption !== 'ND') sums.set(date, (sums.get(date) ?? 0) + Number(consumption) * 0.25);
  }
  return sums;
}

beforeAll(async () => {
  // The API holds nothing for June 2016: imported days must not ask it anything.
  odre = await startOdreServer({ 'eco2mix-national-tr': emptyExport(), 'eco2mix-national-cons-def': emptyExport() });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl }));
  env = cliEnv(harness.config);
});

afterAll(async () => {
  await harness.close();
  await odre.close();
});

/** The eCO2mix part of a period report (the only dataset these days have). */
function eco2mixOf(report: PeriodReport): DatasetPeriod {
  const part = report.datasets.find((d) => d.dataset === 'eco2mix');
  if (!part) throw new Error(`no eco2mix in the ${report.kind} report ${report.period}`);
  return part;
}

describe('courant import of the RTE file of June 2016', () => {
  // Refusals store nothing and ask no server: they run side by side with the import the later tests read.
  it.concurrent('refuses a file that is not an RTE file, naming it, and an unknown dataset', async ({ expect }) => {
    const [bad, missing, dataset] = await Promise.all([
      runCommandLine(['import', '--dataset', 'eco2mix', '--file', eco2mixFixturePath('PROVENANCE.md')], env),
      runCommandLine(['import', '--dataset', 'eco2mix', '--file', '/nonexistent.zip'], env),
      runCommandLine(['import', '--dataset', 'velib', '--file', SAMPLE], env),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--file: not an RTE eCO2mix file: PROVENANCE\.md, line 1: expected the tab-separated header/,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--file: cannot read /nonexistent.zip (ENOENT)');
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toContain(
      '--dataset: expected one of eco2mix (datasets whose files can be imported), got "velib"',
    );
  });

  it.concurrent(
    'runs the 25 days the file covers from the file, with one command, then the reports',
    async ({ expect }) => {
      const r = await runCommandLine(
        ['import', '--dataset', 'eco2mix', '--file', SAMPLE, '--parallel', '8', '--wait', '--id', 'june'],
        env,
      );
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('2496 rows, 0 rejected, realtime data; 25 day(s) to run: 2016-06-01..2016-06-25');
      expect(r.stdout).toMatch(/planned\s+25/);
      expect(r.stdout).toMatch(/succeeded\s+25/);
      expect(r.stdout).toContain(dataPath('reports/month=2016-06/monthly_report.html'));
      expect(r.stdout).toContain(dataPath('reports/year=2016/annual_report.html'));
      expect(r.stdout).toMatch(/imported in \d+\.\d s/);
      expect(odre.requests).toEqual([]);

      const runs = await harness.resources.deps.records.listDayRuns({ from: '2016-05-01', to: '2016-07-31' });
      expect(runs.map((run) => run.date)).toEqual(DAYS);
      expect(runs.every((run) => run.status === 'succeeded' && run.runKind === 'backfill')).toBe(true);
      const day = await harness.client.workflow.getHandle(workflowIds.daily('2016-06-10')).describe();
      expect(day.typedSearchAttributes.get(BackfillId)).toBe('june');
      expect(day.typedSearchAttributes.get(RunKindAttribute)).toBe('backfill');

      if (process.env.RECORD_HISTORIES === '1') {
        const child = harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', '2016-06-01'));
        await writeFile('test/replay/histories/dataset-day-import.json', historyToJSON(await child.fetchHistory()));
        const daily = harness.client.workflow.getHandle(workflowIds.daily('2016-06-01'));
        await writeFile(
          'test/replay/histories/daily-pipeline-month-report-deferred.json',
          historyToJSON(await daily.fetchHistory()),
        );
        await writeFile(
          'test/replay/histories/backfill-import.json',
          historyToJSON(await harness.client.workflow.getHandle(workflowIds.backfill('june')).fetchHistory()),
        );
      }
    },
  );

  it('transformed the 25 days in one pass before they ran, each day taking its work as it was done', async () => {
    const history = await harness.client.workflow.getHandle(workflowIds.backfill('june')).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
    );
    expect(scheduled.filter((name) => name === 'transformImportDays')).toHaveLength(1);
    for (const date of DAYS) {
      const outputs = await json<{ inputs: unknown[]; metrics: { document: unknown } }>(
        `processed/eco2mix/dt=${date}/outputs.json`,
      );
      expect(outputs.inputs).toEqual([
        {
          key: `raw/eco2mix/dt=${date}/realtime.csv`,
          sha256: sha256(await readFile(dataPath(`raw/eco2mix/dt=${date}/realtime.csv`))),
        },
      ]);
      expect(outputs.metrics.document).toEqual(await json(`metrics/eco2mix/dt=${date}/metrics.json`));
    }
  });

  it('stored the file once under its sha256, and each day its rows as the API export, saying where from', async () => {
    const bytes = await readFile(SAMPLE);
    const key = `imports/eco2mix/${sha256(bytes)}/vomain_dubonjus_eCO2mix_RTE_En-cours-TR_2016-06.xls`;
    expect(sha256(await readFile(dataPath(key)))).toBe(sha256(bytes));
    expect(await json(`imports/eco2mix/${sha256(bytes)}/manifest.json`)).toMatchObject({ days: DAYS, rowsRead: 2496 });

    const raw = await readFile(dataPath('raw/eco2mix/dt=2016-06-01/realtime.csv'));
    const meta = await json<Record<string, unknown>>('raw/eco2mix/dt=2016-06-01/realtime.csv.meta.json');
    expect(meta).toMatchObject({
      sha256: sha256(raw),
      bytes: raw.byteLength,
      import: { key, sha256: sha256(bytes), lines: [2, 97], rows: 96 },
    });
    expect(String(meta.url)).toMatch(new RegExp(`${key}$`));
    expect(raw.toString('utf8')).toContain('2016-05-31T22:00:00+00:00;48635;48100;48600');
    await expect(stat(dataPath('raw/eco2mix/dt=2016-06-01/consolidated.csv'))).rejects.toThrow();
  });

  it('gives every day its metrics document, matching the file summed by hand', async () => {
    const energies = await energiesByHand();
    for (const date of DAYS) {
      const metrics = eco2mixMetricsSchema.parse(await json(`metrics/eco2mix/dt=${date}/metrics.json`));
      expect(metrics).toMatchObject({ date, source: 'realtime', stepMinutes: 15, expectedPoints: 96 });
      expect(metrics.consumption.energyMWh).toBeCloseTo(energies.get(date) ?? Number.NaN, 6);
      expect(metrics.points).toBe(date === '2016-06-25' ? 40 : 96);
      expect(metrics.production.totalMWh).toBeGreaterThan(0);
      expect(metrics.co2.meanIntensityGPerKWh).toBeGreaterThan(0);
    }
    const first = eco2mixMetricsSchema.parse(await json('metrics/eco2mix/dt=2016-06-01/metrics.json'));
    expect(first.consumption).toMatchObject({ peakMW: 56_223, peakAt: '2016-06-01T10:45:00.000Z' });
  });

  it('writes a monthly report whose energy is the sum of the days and whose peak is the highest daily peak', async () => {
    const daily = await Promise.all(
      DAYS.map(async (d) => eco2mixMetricsSchema.parse(await json(`metrics/eco2mix/dt=${d}/metrics.json`))),
    );
    const monthReport = await json<PeriodReport>('reports/month=2016-06/monthly_report.json');
    expect(monthReport).toMatchObject({ kind: 'month', period: '2016-06', status: 'partial' });
    const month = eco2mixOf(monthReport);
    expect(month).toMatchObject({ status: 'partial', days: { inPeriod: 30, succeeded: 25, missing: 5, failed: 0 } });
    const total = (key: string) => Number(month.totals[key]);
    const sum = (pick: (m: Eco2mixMetrics) => number | null) => daily.reduce((t, m) => t + (pick(m) ?? 0), 0);
    const peak = daily.reduce((best, m) => ((m.consumption.peakMW ?? 0) > (best.consumption.peakMW ?? 0) ? m : best));
    expect(total('consumption.energyMWh')).toBeCloseTo(
      sum((m) => m.consumption.energyMWh),
      4,
    );
    expect(total('production.totalMWh')).toBeCloseTo(
      sum((m) => m.production.totalMWh),
      4,
    );
    expect(total('production.bySourceMWh.nucleaire')).toBeCloseTo(
      sum((m) => m.production.bySourceMWh.nucleaire),
      4,
    );
    expect(total('exchanges.netImportMWh')).toBeCloseTo(
      sum((m) => m.exchanges.netImportMWh),
      4,
    );
    expect(month.totals['consumption.peakMW']).toBe(peak.consumption.peakMW);
    expect(month.totals['consumption.peakAt']).toBe(peak.consumption.peakAt);
    expect(month.completeness).toBeCloseTo((24 + 40 / 96) / 30, 12);
    for (const [i, m] of daily.entries()) {
      expect(Number(month.daily[i]?.figures?.['consumption.energyMWh'])).toBeCloseTo(m.consumption.energyMWh ?? 0, 6);
    }
    const csv = await readFile(dataPath('reports/month=2016-06/monthly_report.csv'), 'utf8');
    expect(csv).toContain('eco2mix,2016-06-01,succeeded,completeness,1\r\n');
    expect(csv).toContain('eco2mix,2016-06-01,succeeded,consumption.energyMWh,1161039.25\r\n');
    expect(csv).toContain('eco2mix,2016-06-01,succeeded,consumption.peakMW,56223\r\n');
    expect(csv).toContain('eco2mix,2016-06-30,missing,days_with_data,0\r\n');
    expect(csv).toContain('eco2mix,2016-06,partial,days_with_data,25\r\n');

    const year = eco2mixOf(await json<PeriodReport>('reports/year=2016/annual_report.json'));
    expect(Number(year.totals['consumption.energyMWh'])).toBeCloseTo(total('consumption.energyMWh'), 4);
    expect(year.months[5]).toMatchObject({ month: '2016-06', status: 'partial', days: { succeeded: 25 } });
    expect(year.months[5]?.figures?.['consumption.peakMW']).toBe(month.totals['consumption.peakMW']);
    expect(year.months[0]).toMatchObject({ month: '2016-01', status: 'empty', figures: null });
    const index = await readFile(dataPath('reports/index.html'), 'utf8');
    expect(index.match(/data-day="/g)).toHaveLength(25);
    expect(index).toContain('href="month=2016-06/monthly_report.html"');
  });

  it('imports the same file again (some of its days) without storing it twice or rewriting the days', async () => {
    const meta = await readFile(dataPath('raw/eco2mix/dt=2016-06-01/realtime.csv.meta.json'), 'utf8');
    // The dry run (of other days) stores nothing: it runs beside the import of the first two.
    const [dry, r] = await Promise.all([
      runCommandLine(['import', '--file', SAMPLE, '--from', '2016-06-20', '--dry-run'], env),
      runCommandLine(['import', '--file', SAMPLE, '--to', '2016-06-02', '--wait'], env),
    ]);
    expect(dry.stdout).toContain('6 day(s) to run: 2016-06-20..2016-06-25');
    expect(dry.stdout).toContain('dry run: nothing stored, nothing started');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/planned\s+2/);
    expect(await readFile(dataPath('raw/eco2mix/dt=2016-06-01/realtime.csv.meta.json'), 'utf8')).toBe(meta);
    expect((await harness.resources.deps.records.getDayRun('eco2mix', '2016-06-01'))?.attempt).toBe(2);
  });

  it('rebuilds the month by itself when one of its days is re-run', async () => {
    const report = dataPath('reports/month=2016-06/monthly_report.json');
    const before = (await stat(report)).mtimeMs;
    // A manual run keeps the imported real-time rows and asks the API for the consolidated ones.
    const r = await runCommandLine(['run', '--date', '2016-06-03', '--wait'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(odre.requests.map((q) => q.datasetId)).toEqual(['eco2mix-national-cons-def']);
    await expect.poll(async () => (await stat(report)).mtimeMs, { interval: 200 }).toBeGreaterThan(before);
    expect(eco2mixOf(await json<PeriodReport>('reports/month=2016-06/monthly_report.json')).days.succeeded).toBe(25);
    // The day's inputs are no longer those the import's pass transformed: its record is gone with them.
    await expect(stat(dataPath('processed/eco2mix/dt=2016-06-03/outputs.json'))).rejects.toThrow();
    await expect(stat(dataPath('processed/eco2mix/dt=2016-06-04/outputs.json'))).resolves.toBeTruthy();
  });
});
