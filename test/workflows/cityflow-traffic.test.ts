/**
 * Paris traffic counters end to end on the real dev server and document store, against a loopback
 * stand-in of the portal: `courant run --datasets cityflow-traffic` on the 25-hour day asks for the
 * hours ending in it, keeps 25 counted hours and reports them; a page instead of an export fails
 * the day at once, naming what is wrong; a day without a counted hour fails as NoData before the
 * portal's live dataset and as BadData inside it; the counters are not run daily unless configured.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyDatasetNames, registeredCatalog } from '../../src/datasets/catalog.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { TRAFFIC_DATASET_ID, trafficExportUrl } from '../../src/datasets/cityflow-traffic/source.js';
import { EMPTY_TRAFFIC_EXPORT, liveDatasetExport, trafficDayExport } from '../support/paris-traffic.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const DAY = '2024-10-27';
const PAGE_DAY = '2024-10-28';
/** Before the live dataset (2024-09-01..2024-11-30), and a day inside it without rows. */
const OLD_DAY = '2023-06-14';
const EMPTY_DAY = '2024-10-15';
const whereOf = (date: string) => new URL(trafficExportUrl('http://x', date)).searchParams.get('where');

let portal: OdreServer;
let harness: TestWorkerHarness;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

beforeAll(async () => {
  portal = await startOdreServer({});
  // The live dataset's range is read from its data (records, no `where`); the days' exports from the rule.
  portal.setData(TRAFFIC_DATASET_ID, liveDatasetExport('2024-09-01', '2024-11-30'));
  const csv = (body: string) => ({ status: 200, contentType: 'text/csv', body });
  portal.failWhen(TRAFFIC_DATASET_ID, (where) =>
    where === null
      ? undefined
      : where === whereOf(DAY)
        ? csv(trafficDayExport(DAY))
        : where === whereOf(PAGE_DAY)
          ? { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><html><body>Maintenance</body></html>' }
          : csv(EMPTY_TRAFFIC_EXPORT),
  );
  harness = await startTestWorker(await testConfig({ PARIS_OPENDATA_BASE_URL: portal.baseUrl }));
});

afterAll(async () => {
  await harness.close();
  await portal.close();
});

describe('courant run --datasets cityflow-traffic', () => {
  it('keeps the 25 hours ending in the 25-hour day, each at its start, and reports the network profile', async () => {
    const r = await runCommandLine(
      ['run', '--date', DAY, '--datasets', 'cityflow-traffic', '--wait'],
      cliEnv(harness.config),
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(portal.requests.map((q) => q.where)).toContain(
      "t_1h > '2024-10-26T22:00:00Z' AND t_1h <= '2024-10-27T23:00:00Z'",
    );
    const run = await harness.resources.deps.records.getDayRun('cityflow-traffic', DAY);
    expect(run).toMatchObject({ status: 'succeeded', rows: { read: 25, written: 25, rejected: 0 } });
    expect((await harness.resources.deps.records.getMetrics('cityflow-traffic', DAY))?.metrics).toMatchObject({
      hours: 25,
      arcs: 1,
      vehicles: 2500,
      completeness: 1,
    });
    const html = await readFile(dataPath(`reports/dt=${DAY}/daily_report.html`), 'utf8');
    expect(html).toContain('Paris traffic counters');
    expect(html).toMatch(/data-chart="cityflow-traffic-profile"[\s\S]*data-series="vehicles" data-points="25"/);
  });

  it('fails a day whose answer is a page, not an export, without retrying, keeping the body', async () => {
    const r = await runCommandLine(
      ['run', '--date', PAGE_DAY, '--datasets', 'cityflow-traffic', '--wait'],
      cliEnv(harness.config),
    );
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/\[BadData\].*the source answered a page, not a CSV export/);
    expect(await readFile(dataPath(`quarantine/cityflow-traffic/dt=${PAGE_DAY}/traffic.refused`), 'utf8')).toContain(
      'Maintenance',
    );
  });

  it('fails a day before the live dataset as NoData, naming the range and the archive, not retried', async () => {
    const r = await runCommandLine(
      ['run', '--date', OLD_DAY, '--datasets', 'cityflow-traffic', '--wait'],
      cliEnv(harness.config),
    );
    expect(r.code).toBe(1);
    const run = await harness.resources.deps.records.getDayRun('cityflow-traffic', OLD_DAY);
    expect(run).toMatchObject({ status: 'failed', stage: 'transform', error: { type: 'NoData' } });
    expect(run?.error?.message).toContain(
      "no counted hour of 2023-06-14 (0 row(s) read, 0 rejected): the portal's live dataset comptages-routiers-permanents " +
        'holds 2024-09-01..2024-11-30 and 2023-06-14 is before it: older days are in ' +
        'comptages-routiers-permanents-historique, which courant does not read',
    );
    expect(r.stdout + r.stderr).toMatch(/\[NoData\].*2023-06-14 is before it/);
    expect(portal.requests.filter((q) => q.url.includes('/records?'))).not.toHaveLength(0);
    // One attempt of the transform: NoData is not retried.
    const { events } = await harness.client.workflow
      .getHandle(workflowIds.datasetDay('cityflow-traffic', OLD_DAY))
      .fetchHistory();
    const started = (events ?? []).flatMap((e) =>
      e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes] : [],
    );
    expect(started.length).toBeGreaterThan(0);
    expect(started.map((a) => a.attempt)).toEqual(started.map(() => 1));
  });

  it('fails a day inside the live dataset whose export has no row as BadData', async () => {
    const r = await runCommandLine(
      ['run', '--date', EMPTY_DAY, '--datasets', 'cityflow-traffic', '--wait'],
      cliEnv(harness.config),
    );
    expect(r.code).toBe(1);
    const run = await harness.resources.deps.records.getDayRun('cityflow-traffic', EMPTY_DAY);
    expect(run).toMatchObject({ status: 'failed', stage: 'transform', error: { type: 'BadData' } });
    expect(run?.error?.message).toMatch(
      /no counted hour of 2024-10-15 .*holds 2024-09-01\.\.2024-11-30, which includes it/,
    );
  });

  it('is not run by the daily schedule unless CITYFLOW_TRAFFIC_DAILY is true', () => {
    expect(dailyDatasetNames(registeredCatalog(harness.config.datasets), DAY)).toEqual(['eco2mix']);
    const daily = { ...harness.config.datasets, 'cityflow-traffic': { baseUrl: portal.baseUrl, daily: true } };
    expect(dailyDatasetNames(registeredCatalog(daily), DAY)).toEqual(['eco2mix', 'cityflow-traffic']);
  });
});
