/**
 * eCO2mix days follow RTE's revisions, end to end on the real dev server and document store, with a
 * loopback ODRÉ built from the real samples: a recent day first runs on real time (a day of
 * December 2021 moved onto it). The revised-days check asks ODRÉ once for the whole window; while
 * the consolidated data covers part of the day only (the consolidated excerpt moved onto it) or
 * holds only `ND`, the day stays on real time and its record says why. Once consolidated data
 * covers the day (derived from the same December rows), the day runs again once, on it: its
 * metrics, record, report and month report say consolidated, what changed is kept beside the new
 * figures and counted; a second check runs nothing again. A definitive yearly file imported
 * afterwards wins over both, and neither a consolidated file nor a new check brings it back.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForPeriodReport } from '../../src/client/period-report.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { instantOf, labelRowToApiRecord, type ApiRecord } from '../../src/datasets/eco2mix/export-csv.js';
import { ECO2MIX_MEASURES } from '../../src/datasets/eco2mix/record.js';
import { CourantMetrics } from '../../src/observability/index.js';
import type { PeriodReport } from '../../src/reports/period-report.js';
import { parisDateOf, parisDayBounds, previousDate } from '../../src/workflow-safe/partition.js';
import { monthOf } from '../../src/workflow-safe/periods.js';
import type { RevisedDaysOutput } from '../../src/workflows/revised-days.js';
import {
  apiRecordsToExportCsv,
  consolidatedRecordsFrom,
  ECO2MIX_FIXTURE_FILES,
  readEco2mixFixture,
} from '../support/eco2mix-fixtures.js';
import { uniqueName } from '../support/names.js';
import { buildRteFile } from '../support/rte-files.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';

// The check looks at the last days before today: the day must be a recent one of 24 hours.
const TODAY = parisDateOf(new Date());
const twoDaysAgo = previousDate(previousDate(TODAY));
const DAY = parisDayBounds(twoDaysAgo).hours === 24 ? twoDaysAgo : previousDate(twoDaysAgo);
const MONTH = monthOf(DAY);
const TR = 'eco2mix-national-tr';
const CONS = 'eco2mix-national-cons-def';
const SAMPLE_DAY = '2021-12-15';

/** Rows of a real Paris day moved onto DAY: the same wall-clock times, `date` set to DAY, measures as numbers. */
function movedOntoDay(records: readonly ApiRecord[], from: string): ApiRecord[] {
  const shift = parisDayBounds(DAY).start.getTime() - parisDayBounds(from).start.getTime();
  return records.map((record) => {
    const out: ApiRecord = { ...record, date: DAY, date_heure: new Date(instantOf(record) + shift).toISOString() };
    for (const measure of ECO2MIX_MEASURES) {
      const value = record[measure];
      out[measure] = typeof value === 'string' && value.trim() !== '' && value !== 'ND' ? Number(value) : null;
    }
    return out;
  });
}

/** The December 2021 day's 96 real-time rows, moved onto DAY. */
function realtimeRecords(): ApiRecord[] {
  const rows = parse<Record<string, string>>(readEco2mixFixture(ECO2MIX_FIXTURE_FILES.labels2021), {
    columns: true,
    delimiter: ';',
  });
  return movedOntoDay(rows.filter((row) => row['Date'] === SAMPLE_DAY).map(labelRowToApiRecord), SAMPLE_DAY);
}

/** The consolidated excerpt (part of 2024-01-01, as published) moved onto DAY: part of a day only. */
function partialConsolidatedRecords(): ApiRecord[] {
  const rows = parse<Record<string, string>>(readEco2mixFixture(ECO2MIX_FIXTURE_FILES.consDef2024), {
    columns: true,
    delimiter: ';',
  });
  const records = rows.map((row) => ({
    perimetre: row['Périmètre'] ?? null,
    nature: row['Nature'] ?? null,
    date: row['Date'] ?? null,
    heure: row['Heure'] ?? null,
    date_heure: row['Date et Heure'] ?? null,
    consommation: row['Consommation (MW)'] ?? null,
    prevision_j1: row['Prévision J-1 (MW)'] ?? null,
    prevision_j: row['Prévision J (MW)'] ?? null,
    nucleaire: row['Nucléaire (MW)'] ?? null,
  }));
  return movedOntoDay(records, '2024-01-01');
}

const REALTIME = realtimeRecords();
const CONSOLIDATED = consolidatedRecordsFrom(REALTIME);
const PARTIAL = partialConsolidatedRecords();
/** The consolidated day's energy: its 48 half-hourly values (real time + 100 MW) over half an hour. */
const CONSOLIDATED_ENERGY = CONSOLIDATED.reduce(
  (sum, r) => sum + (typeof r['consommation'] === 'number' ? r['consommation'] * 0.5 : 0),
  0,
);
const REALTIME_ENERGY = REALTIME.reduce((sum, r) => sum + Number(r['consommation']) * 0.25, 0);
const PARTIAL_HALF_HOURS = PARTIAL.filter(
  (r) => typeof r['consommation'] === 'number' && new Date(instantOf(r)).getUTCMinutes() % 30 === 0,
).length;
const HEADER_ONLY = apiRecordsToExportCsv([]);

let portal: OdreServer;
let harness: TestWorkerHarness;
let counters: CourantMetrics;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);
const json = async <T>(key: string) => JSON.parse(await readFile(dataPath(key), 'utf8')) as T;
const metricsOf = async () => (await harness.resources.deps.records.getMetrics('eco2mix', DAY))?.metrics;
const groupedRequests = () => portal.requests.filter((r) => r.datasetId === CONS && r.url.includes('/exports/json'));
const dayExports = () => portal.requests.filter((r) => r.datasetId === CONS && r.url.includes('/exports/csv'));

async function check(record?: string): Promise<RevisedDaysOutput> {
  const workflowId = uniqueName('revised');
  const result = await harness.client.workflow.execute<() => Promise<RevisedDaysOutput>>('revisedDays', {
    workflowId,
    taskQueue: harness.config.temporal.taskQueue,
    args: [],
  });
  if (record && process.env.RECORD_HISTORIES === '1') {
    const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
    await writeFile(`test/replay/histories/${record}.json`, historyToJSON(history));
  }
  return result;
}

async function monthReport() {
  await waitForPeriodReport(harness.client, { kind: 'month', name: MONTH }, harness.config.temporal.taskQueue, {
    timeoutMs: WAIT_DEADLINE_MS,
  });
  const report = await json<PeriodReport>(`reports/month=${MONTH}/monthly_report.json`);
  const part = report.datasets.find((d) => d.dataset === 'eco2mix');
  if (!part) throw new Error(`no eco2mix in the month report ${MONTH}`);
  return part;
}

async function importFile(name: string, bytes: Uint8Array) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-revisions-'));
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const r = await runCommandLine(['import', '--file', file, '--wait'], cliEnv(harness.config));
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}

beforeAll(async () => {
  portal = await startOdreServer({ [TR]: apiRecordsToExportCsv(REALTIME), [CONS]: HEADER_ONLY });
  counters = new CourantMetrics({
    datasets: [{ name: 'eco2mix', dueHours: 7 }],
    codeVersion: 'test',
    cacheEnabled: false,
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: portal.baseUrl }), {
    deps: (deps) => ({ ...deps, metrics: counters }),
  });
});

afterAll(async () => {
  await harness.close();
  await portal.close();
});

describe('an eCO2mix day, real time first, then consolidated, then definitive', () => {
  const day = { dataset: 'eco2mix', date: DAY };

  it('runs on real time and says so in its metrics, report and status', async () => {
    const r = await runCommandLine(['run', '--date', DAY, '--datasets', 'eco2mix', '--wait'], cliEnv(harness.config));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(await metricsOf()).toMatchObject({
      source: 'realtime',
      nature: 'realtime',
      points: 96,
      consumption: { energyMWh: REALTIME_ENERGY },
    });
    const daily = await json<{ datasets: Array<{ dataset: string; section: { summary: string } | null }> }>(
      `reports/dt=${DAY}/daily_report.json`,
    );
    expect(daily.datasets.find((d) => d.dataset === 'eco2mix')?.section?.summary).toMatch(
      /; real-time data, to be consolidated$/,
    );
    const status = await runCommandLine(
      ['status', '--from', DAY, '--to', DAY, '--datasets', 'eco2mix'],
      cliEnv(harness.config),
    );
    expect(status.stdout).toContain('eco2mix: real-time data, to be consolidated');
    const month = await monthReport();
    expect(month.totals).toMatchObject({ 'natures.realtime': 1, 'natures.consolidated': 0, 'natures.definitive': 0 });
  });

  it('waits, with one request for the whole window, while nothing newer is published', async () => {
    const output = await check('revised-days-range-waiting');
    expect(output).toMatchObject({ rerun: [], waiting: [day] });
    expect(groupedRequests()).toHaveLength(1);
    expect(groupedRequests()[0]?.url).toMatch(/group_by=date%2C\+nature/);
    expect(dayExports()).toHaveLength(1); // the day's own download only
    expect((await metricsOf())?.revision).toBeUndefined();
  });

  it('stays on real time, saying why, when the consolidated data covers part of the day or is all ND', async () => {
    portal.setData(CONS, apiRecordsToExportCsv(PARTIAL));
    expect(PARTIAL_HALF_HOURS).toBeGreaterThan(0);
    expect(PARTIAL_HALF_HOURS).toBeLessThan(48);
    expect(await check()).toMatchObject({ rerun: [], waiting: [day] });
    expect(await metricsOf()).toMatchObject({
      nature: 'realtime',
      consumption: { energyMWh: REALTIME_ENERGY },
      revision: {
        held: {
          reason: `consolidated data published for the day covers ${PARTIAL_HALF_HOURS} of its 48 half-hours: the day stays on its real-time data`,
        },
      },
    });

    portal.setData(CONS, apiRecordsToExportCsv(CONSOLIDATED.map((r) => ({ ...r, consommation: null }))));
    expect(await check()).toMatchObject({ rerun: [], waiting: [day] });
    expect((await metricsOf())?.revision).toEqual({
      held: {
        reason:
          'consolidated data published for the day has no consumption value (all ND): the day stays on its real-time data',
      },
    });
    // One day's status gives each note whole (over a range, a long note is cut at a word).
    const status = await runCommandLine(['status', '--date', DAY, '--datasets', 'eco2mix'], cliEnv(harness.config));
    expect(status.stdout).toContain('(all ND): the day stays on its real-time data');
    expect(dayExports()).toHaveLength(1);
  });

  it('runs the day again once on consolidated data, keeping what changed, and the month report follows', async () => {
    portal.setData(CONS, apiRecordsToExportCsv(CONSOLIDATED));
    const before = await harness.resources.deps.records.getDayRun('eco2mix', DAY);
    const grouped = groupedRequests().length;
    expect(await check('revised-days-range-rerun')).toMatchObject({ rerun: [day], waiting: [] });
    expect(groupedRequests()).toHaveLength(grouped + 1);
    expect(dayExports()).toHaveLength(2); // the revised day's export, once

    const metrics = await metricsOf();
    expect(metrics).toMatchObject({
      source: 'consolidated',
      nature: 'consolidated',
      stepMinutes: 30,
      points: 48,
      completeness: 1,
      revision: {
        previous: { nature: 'realtime', energyMWh: REALTIME_ENERGY },
        change: { energyMWh: CONSOLIDATED_ENERGY - REALTIME_ENERGY },
      },
    });
    expect(metrics?.consumption).toMatchObject({ energyMWh: CONSOLIDATED_ENERGY });
    const stored = await json<Record<string, unknown>>(`metrics/eco2mix/dt=${DAY}/metrics.json`);
    expect(stored).toMatchObject({ nature: 'consolidated', revision: { previous: { nature: 'realtime' } } });
    const run = await harness.resources.deps.records.getDayRun('eco2mix', DAY);
    expect(run).toMatchObject({ status: 'succeeded', runKind: 'scheduled' });
    expect(run?.runId).not.toBe(before?.runId);
    expect(await counters.registry.getSingleMetricAsString('courant_days_revised_total')).toContain(
      'courant_days_revised_total{dataset="eco2mix",from="realtime",to="consolidated"} 1',
    );

    const month = await monthReport();
    expect(month.totals).toMatchObject({ 'natures.realtime': 0, 'natures.consolidated': 1 });
    expect(month.totals['consumption.energyMWh']).toBeCloseTo(CONSOLIDATED_ENERGY, 4);
    expect(month.daily.find((d) => d.date === DAY)?.figures).toMatchObject({ nature: 'consolidated' });
    expect(month.summary).toContain('days: 0 real time, 1 consolidated, 0 definitive');
    const status = await runCommandLine(
      ['status', '--from', DAY, '--to', DAY, '--datasets', 'eco2mix'],
      cliEnv(harness.config),
    );
    expect(status.stdout).toMatch(
      /eco2mix: consolidated data, to be made definitive; revised from realtime: energy \+\d/,
    );
  });

  it('runs nothing again on a second check', async () => {
    const before = await harness.resources.deps.records.getDayRun('eco2mix', DAY);
    expect(await check()).toMatchObject({ rerun: [], waiting: [day] });
    expect((await harness.resources.deps.records.getDayRun('eco2mix', DAY))?.runId).toBe(before?.runId);
    expect(dayExports()).toHaveLength(2);
  });

  it('takes a definitive yearly file over both, and nothing older replaces it', async () => {
    const definitive = buildRteFile({ from: DAY, to: DAY, kind: 'Definitif' });
    await importFile(definitive.name, definitive.bytes);
    const energy = definitive.rows.reduce((sum, r) => sum + (r.consommation ?? 0) * 0.5, 0);
    expect(await metricsOf()).toMatchObject({
      nature: 'definitive',
      points: 48,
      consumption: { energyMWh: energy },
    });

    // A consolidated file imported afterwards leaves the stored definitive data in place.
    const rawMeta = () => json<{ sha256: string }>(`raw/eco2mix/dt=${DAY}/consolidated.csv.meta.json`);
    const definitiveRaw = await rawMeta();
    const consolidated = buildRteFile({ from: DAY, to: DAY, kind: 'Consolide' });
    await importFile(consolidated.name, consolidated.bytes);
    expect((await rawMeta()).sha256).toBe(definitiveRaw.sha256);
    expect(await metricsOf()).toMatchObject({ nature: 'definitive', consumption: { energyMWh: energy } });

    // A definitive day is no longer provisional: the check does not even list it.
    expect(await check()).toMatchObject({ rerun: [], waiting: [] });
    expect(await metricsOf()).toMatchObject({ nature: 'definitive' });
    const month = await monthReport();
    expect(month.totals).toMatchObject({ 'natures.consolidated': 0, 'natures.definitive': 1 });
  });
});
