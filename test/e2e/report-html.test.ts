/**
 * The HTML reports as a reader opens them: files from disk in headless Chromium with the network
 * off. A synthetic RTE file of 2019-10-15..2019-11-10 (the 25-hour 27 October included) is
 * imported, then each kind of report is opened: its charts have the expected number of points,
 * nothing is fetched, nothing is logged as an error. Screenshots are kept in test-artifacts/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { buildRteFile, zipRteFile } from '../support/rte-files.js';
import { runCommandLine } from '../support/run-cli.js';
import { cliEnv, startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { launchBrowser } from '../support/browser.js';
import { WAIT_DEADLINE_MS } from '../support/deadlines.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');

let harness: TestWorkerHarness;
let browser: Browser;
let context: BrowserContext;
const fetched: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: 'http://127.0.0.1:9' }));
  const zip = zipRteFile(buildRteFile({ from: '2019-10-15', to: '2019-11-10', forecastDays: 1 }));
  const file = path.join(os.tmpdir(), `${harness.config.temporal.taskQueue}-${zip.name}`);
  await writeFile(file, zip.bytes);
  const r = await runCommandLine(['import', '--file', file, '--parallel', '8', '--wait'], cliEnv(harness.config));
  if (r.code !== 0) throw new Error(`import failed:\n${r.stdout}\n${r.stderr}`);

  browser = await launchBrowser();
  context = await browser.newContext({ offline: true });
  context.setDefaultTimeout(WAIT_DEADLINE_MS);
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    fetched.push(url);
    return route.abort();
  });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.close();
});

async function open(key: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${key}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${key}: ${error.message}`));
  await page.goto(pathToFileURL(path.join(harness.config.storage.dataDir, key)).href);
  return page;
}

/** `data-points` of a series of a chart. */
async function points(page: Page, chart: string, series: string): Promise<number> {
  return Number(await page.locator(`[data-chart="${chart}"] [data-series="${series}"]`).getAttribute('data-points'));
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

describe('HTML reports opened from disk with the network off', () => {
  it('daily: the 25-hour day has 100 points in the load curve, mix, CO2 and exchanges', async () => {
    const page = await open('reports/dt=2019-10-27/daily_report.html');
    expect(await page.locator('meta[name="viewport"]').count()).toBe(1);
    for (const series of ['consommation', 'prevision_j1', 'prevision_j']) {
      expect(await points(page, 'load-curve', series)).toBe(100);
    }
    for (const series of ['nucleaire', 'hydraulique', 'eolien', 'solaire', 'bioenergies', 'gaz', 'charbon', 'fioul']) {
      expect(await points(page, 'production-mix', series)).toBe(100);
    }
    expect(await points(page, 'co2-intensity', 'taux_co2')).toBe(100);
    expect(await points(page, 'exchanges', 'ech_physiques')).toBe(100);
    expect(await page.locator('[data-chart="load-curve"] rect.hover').count()).toBe(100);
    const body = await page.locator('body').innerText();
    expect(body).toContain('(25 hours)');
    expect(body).toContain('A day is a calendar day in Europe/Paris');
    expect(body).toMatch(/gCO2\/kWh/);
    expect(body).toMatch(/MWh/);
    await screenshot(page, 'report-daily.png');

    const phone = await open('reports/dt=2019-10-15/daily_report.html', { width: 390, height: 844 });
    expect(await points(phone, 'load-curve', 'consommation')).toBe(96);
    const width = await phone.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(phone, 'report-daily-phone.png');
  });

  it('monthly: a bar per day with data, the mix stacked per day', async () => {
    const page = await open('reports/month=2019-10/monthly_report.html');
    expect(await page.locator('[data-chart="daily-energy"] rect.bar').count()).toBe(17);
    expect(await points(page, 'daily-energy', 'consumption')).toBe(17);
    expect(await points(page, 'daily-mix', 'nucleaire')).toBe(17);
    expect(await page.locator('[data-chart="daily-mix"] rect.bar').count()).toBe(17 * 8);
    await screenshot(page, 'report-monthly.png');
  });

  it('annual: a bar per month and per day, the mix stacked per month', async () => {
    const page = await open('reports/year=2019/annual_report.html');
    expect(await points(page, 'monthly-energy', 'consumption')).toBe(2);
    expect(await points(page, 'monthly-mix', 'gaz')).toBe(2);
    expect(await page.locator('[data-chart="daily-energy"] rect.bar').count()).toBe(27);
    await screenshot(page, 'report-annual.png');
  });

  it('index: the freshness of eCO2mix, every day and month with its status, linking to the reports', async () => {
    const page = await open('reports/index.html');
    expect(await page.locator('[data-day]').count()).toBe(27);
    expect(await page.locator('[data-month]').count()).toBe(2);
    expect(await page.locator('[data-day].succeeded').count()).toBe(27);
    const freshness = page.locator('[data-freshness] tbody tr');
    expect(await freshness.count()).toBe(1);
    expect(await freshness.first().innerText()).toMatch(
      /^eCO2mix \(RTE, France\)\s+2019-11-10\s+\d{4}-\d{2}-\d{2} \(due \d{4}-\d{2}-\d{2} 07:00 Paris\)\s+late$/,
    );
    await screenshot(page, 'report-index.png');
    await page.locator('a[href="month=2019-10/monthly_report.html"]').click();
    await expect.poll(() => page.locator('body').getAttribute('data-report')).toBe('month');
  });

  it('fetched nothing and logged no error', () => {
    expect(fetched).toEqual([]);
    expect(errors).toEqual([]);
  });
});
