/**
 * A Paris day with its four datasets together: `courant run --datasets cityflow` runs the traffic
 * counters (the real sample's arc), the weather, Vélib' (snapshots collected during the day, three
 * slots missed) and the roadworks list (taken that day), and the daily report shows them side by
 * side — traffic against the weather, Vélib' availability over the day, the roadworks — read in a
 * browser with a screenshot kept.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSnapshot } from '../../src/activities/snapshots.js';
import { TRAFFIC_DATASET_ID, TRAFFIC_FIELDS } from '../../src/datasets/cityflow-traffic/source.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { storageKeys } from '../../src/workflow-safe/keys.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { daySlots, type Slot } from '../../src/workflow-safe/slots.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { startOpenMeteoServer, type OpenMeteoServer } from '../support/open-meteo.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { DEMO_SAMPLES } from '../support/samples.js';
import { launchBrowser, openPage } from '../support/browser.js';

const DAY = '2023-11-07';
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const MISSED = new Set(['0815', '1230', '1800']);

let meteo: OpenMeteoServer;
let portal: OdreServer;
let harness: TestWorkerHarness;
const dataPath = (key: string) => path.join(harness.config.storage.dataDir, key);

/** The real sample's rows of the arc counted in the Paris day: `t_1h` in (D 00:00, D+1 00:00]. */
async function trafficOfDay(): Promise<string> {
  const lines = (await readFile(DEMO_SAMPLES.traffic, 'utf8')).split(/\r?\n(?=\d)/);
  const { start, end } = parisDayBounds(DAY);
  const inDay = lines.slice(1).filter((line) => {
    const at = Date.parse(line.split(';')[2] ?? '');
    return at > start.getTime() && at <= end.getTime();
  });
  // The portal's machine names, as the day's export asks for them (`use_labels=false`).
  const labels = new Map<string, string>(Object.values(TRAFFIC_FIELDS).map(([api, label]) => [label, api]));
  const header = (lines[0] ?? '')
    .replace(/^\uFEFF/, '')
    .split(';')
    .map((label) => labels.get(label) ?? label);
  return `${header.join(';')}\n${inDay.join('\n')}\n`;
}

/** Stores a snapshot as the collector does, taken 20 s into its slot. */
async function collected(dataset: string, source: string, slot: Slot, ext: string, body: string): Promise<void> {
  await storeSnapshot(
    harness.resources.deps.objects,
    storageKeys.snapshot(dataset, slot.date, source, slot.name, ext),
    new TextEncoder().encode(body),
    {
      url: `test:${source}`,
      takenAt: new Date(slot.start.getTime() + 20_000),
      contentType: 'application/json',
      slot: { name: slot.name, start: slot.start.toISOString(), end: slot.end.toISOString() },
    },
  );
}

interface GbfsStatus {
  data: {
    stations: Array<{
      num_bikes_available: number;
      num_docks_available: number;
      num_bikes_available_types: Array<Record<string, number>>;
    }>;
  };
}

/** The real status sample with mechanical bikes rising and falling over the day, 3 slots missed. */
async function collectVelibDay(): Promise<void> {
  const sample = await readFile(DEMO_SAMPLES.velibStatus, 'utf8');
  const slots = daySlots(DAY, 15);
  for (const [index, slot] of slots.entries()) {
    if (MISSED.has(slot.name)) continue;
    const shift = Math.round(3 * Math.sin((index / slots.length) * 2 * Math.PI));
    const status = JSON.parse(sample) as GbfsStatus;
    for (const station of status.data.stations) {
      const types = station.num_bikes_available_types;
      const mechanical = types.find((t) => 'mechanical' in t);
      if (!mechanical || mechanical.mechanical === undefined) continue;
      const moved = Math.max(-mechanical.mechanical, Math.min(shift, station.num_docks_available));
      mechanical.mechanical += moved;
      station.num_bikes_available += moved;
      station.num_docks_available -= moved;
    }
    await collected('cityflow-velib', 'velib', slot, 'json', JSON.stringify(status));
  }
  const stations = await readFile(DEMO_SAMPLES.velibInformation, 'utf8');
  const first = slots[0];
  if (first) await collected('cityflow-velib', 'velib-stations', first, 'json', stations);
}

beforeAll(async () => {
  meteo = await startOpenMeteoServer({ archiveUntil: DAY, today: DAY });
  portal = await startOdreServer({});
  const traffic = await trafficOfDay();
  portal.failWhen(TRAFFIC_DATASET_ID, () => ({ status: 200, contentType: 'text/csv', body: traffic }));
  harness = await startTestWorker(
    await testConfig({
      OPEN_METEO_ARCHIVE_URL: `${meteo.baseUrl}/v1/archive`,
      OPEN_METEO_FORECAST_URL: `${meteo.baseUrl}/v1/forecast`,
      PARIS_OPENDATA_BASE_URL: portal.baseUrl,
    }),
  );
  await collectVelibDay();
  const roadworks = await readFile(DEMO_SAMPLES.roadworks, 'utf8');
  const morning = daySlots(DAY, 15).find((s) => s.name === '0600');
  if (morning) await collected('cityflow-roadworks', 'roadworks', morning, 'csv', roadworks);
});

afterAll(async () => {
  await harness.close();
  await portal.close();
  await meteo.close();
});

interface DailyReportJson {
  datasets: Array<{
    dataset: string;
    status: string;
    section: { summary: string; figures: Array<{ key: string; value: unknown }> } | null;
  }>;
}

describe('courant run --datasets cityflow', () => {
  it('runs the four Paris datasets as one day and reports them together', async () => {
    const run = await runCommandLine(
      ['run', '--date', DAY, '--datasets', 'cityflow', '--wait'],
      cliEnv(harness.config),
    );
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const report = JSON.parse(
      await readFile(dataPath(`reports/dt=${DAY}/daily_report.json`), 'utf8'),
    ) as DailyReportJson;
    expect(report.datasets.map((d) => [d.dataset, d.status])).toEqual([
      ['cityflow-traffic', 'succeeded'],
      ['cityflow-weather', 'succeeded'],
      ['cityflow-velib', 'succeeded'],
      ['cityflow-roadworks', 'succeeded'],
    ]);
    const velib = await harness.resources.deps.records.getMetrics('cityflow-velib', DAY);
    expect(velib?.metrics).toMatchObject({ slots: { expected: 96, taken: 93, missed: ['0815', '1230', '1800'] } });
    const roadworks = await harness.resources.deps.records.getMetrics('cityflow-roadworks', DAY);
    expect(JSON.stringify(roadworks?.metrics)).toContain('"active":51');
    const traffic = report.datasets.find((d) => d.dataset === 'cityflow-traffic')?.section;
    expect(traffic?.summary).toMatch(/rainy hour\(s\), -?\d+\.\d to -?\d+\.\d °C$/);

    const browser = await launchBrowser();
    try {
      const page = await openPage(browser, { width: 1200, height: 900 });
      await page.goto(`file://${path.resolve(dataPath(`reports/dt=${DAY}/daily_report.html`))}`);
      for (const dataset of ['cityflow-traffic', 'cityflow-weather', 'cityflow-velib', 'cityflow-roadworks'])
        await expect(page.locator(`section[data-dataset="${dataset}"]`).count()).resolves.toBe(1);
      await expect(
        page.locator('section[data-dataset="cityflow-traffic"] [data-series="rainy-hours"]').count(),
      ).resolves.toBeGreaterThan(0);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-cityflow-daily.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
