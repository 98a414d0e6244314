/**
 * Paris traffic counters end to end on the real dev server and document store, against a loopback
 * stand-in of the portal: `courant run --datasets cityflow-traffic` on the 25-hour day asks for the
 * hours ending in it, keeps 25 counted hours and reports them; a page instead of an export fails
 * the day at once, naming what is wrong; the counters are not run daily unless configured.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyDatasetNames, registeredCatalog } from '../../src/datasets/catalog.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { TRAFFIC_DATASET_ID } from '../../src/datasets/cityflow-traffic/source.js';
import { trafficDayExport } from '../support/paris-traffic.js';
import { runCli } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';

const DAY = '2024-10-27';
const PAGE_DAY = '2024-10-28';

let portal: OdreServer;
let harness: TestWorkerHarness;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

beforeAll(async () => {
  portal = await startOdreServer({});
  portal.failWhen(TRAFFIC_DATASET_ID, (where) =>
    where?.startsWith("t_1h > '2024-10-26T22:00:00Z'")
      ? { status: 200, contentType: 'text/csv', body: trafficDayExport(DAY) }
      : { status: 200, contentType: 'text/html', body: '<!DOCTYPE html><html><body>Maintenance</body></html>' },
  );
  harness = await startTestWorker(await testConfig({ PARIS_OPENDATA_BASE_URL: portal.baseUrl }));
});

afterAll(async () => {
  await harness.close();
  await portal.close();
});

describe('courant run --datasets cityflow-traffic', () => {
  it('keeps the 25 hours ending in the 25-hour day, each at its start, and reports the network profile', async () => {
    const r = await runCli(['run', '--date', DAY, '--datasets', 'cityflow-traffic', '--wait'], cliEnv(harness.config));
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
    const r = await runCli(
      ['run', '--date', PAGE_DAY, '--datasets', 'cityflow-traffic', '--wait'],
      cliEnv(harness.config),
    );
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/\[BadData\].*the source answered a page, not a CSV export/);
    expect(await readFile(dataPath(`quarantine/cityflow-traffic/dt=${PAGE_DAY}/traffic.refused`), 'utf8')).toContain(
      'Maintenance',
    );
  });

  it('is not run by the daily schedule unless CITYFLOW_TRAFFIC_DAILY is true', () => {
    expect(dailyDatasetNames(registeredCatalog(harness.config.datasets), DAY)).toEqual(['eco2mix']);
    const daily = { ...harness.config.datasets, 'cityflow-traffic': { baseUrl: portal.baseUrl, daily: true } };
    expect(dailyDatasetNames(registeredCatalog(daily), DAY)).toEqual(['eco2mix', 'cityflow-traffic']);
  });
});
