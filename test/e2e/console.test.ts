/**
 * What an operator sees in the console, in headless Chromium: the grid over a backfilled range
 * shows a failed and a blocked day; clicking the failed day shows its error, what to do and the
 * link to its run in the Temporal Web UI; on the report of a succeeded day, hovering a chart point
 * shows its instant and value. No Content-Security-Policy violation on any page. Screenshots are
 * kept in test-artifacts/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBackfillId, startBackfill } from '../../src/client/start-backfill.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import {
  emptyExport,
  syntheticRealtimeExport,
  unbalancedRealtimeExport,
  whereStartOf,
} from '../support/synthetic-eco2mix.js';
import { startConsole, type RunningConsole } from '../support/console-server.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { launchBrowser, openPage } from '../support/browser.js';

const FROM = '2022-06-01';
const TO = '2022-06-05';
/** The source answers an HTML page for this day: it fails as BadData. */
const FAILED_DAY = '2022-06-03';
/** The source answers an export that does not balance: the `balance` check blocks the day. */
const BLOCKED_DAY = '2022-06-04';
const TEMPORAL_UI_URL = 'http://127.0.0.1:8233';
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');

let odre: OdreServer;
let harness: TestWorkerHarness;
let server: RunningConsole;
let browser: Browser;

beforeAll(async () => {
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport(FROM, TO),
    'eco2mix-national-cons-def': emptyExport(),
  });
  odre.failWhen('eco2mix-national-tr', (where) => {
    if (where?.startsWith(whereStartOf(FAILED_DAY)))
      return { status: 200, contentType: 'text/html', body: '<html><body>Maintenance</body></html>' };
    if (where?.startsWith(whereStartOf(BLOCKED_DAY)))
      return { status: 200, contentType: 'text/csv', body: unbalancedRealtimeExport(BLOCKED_DAY) };
    return undefined;
  });
  harness = await startTestWorker(await testConfig({ ECO2MIX_BASE_URL: odre.baseUrl, TEMPORAL_UI_URL }));
  const input = { from: FROM, to: TO, datasets: ['eco2mix'], mode: 'all' as const, parallel: 2 };
  const backfill = await startBackfill(harness.client, input, newBackfillId(input), harness.config.temporal.taskQueue);
  expect(await backfill.result()).toMatchObject({ planned: 5, succeeded: 3, failed: 2 });
  server = await startConsole({
    config: harness.config,
    records: harness.resources.deps.records,
    objects: harness.resources.deps.objects,
    tokens: null,
  });
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await harness?.close();
  await odre?.close();
});

/** A page that records every Content-Security-Policy violation and every failed request. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await openPage(browser, { width: 1280, height: 900 });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(server.origin)) problems.push(`external: ${request.url()}`);
  });
  return { page, problems };
}

describe('the console in a browser', () => {
  it('shows the backfilled range with its failed and blocked days, and the failed day with its error and Temporal link', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${server.origin}/?from=${FROM}&to=${TO}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-grid.png'), fullPage: true });
    const cell = (date: string) => page.locator(`table.grid a[href="/days/${date}#eco2mix"]`);
    await expect(cell(FAILED_DAY).getAttribute('class')).resolves.toBe('s-failed');
    await expect(cell(BLOCKED_DAY).getAttribute('class')).resolves.toBe('s-blocked');
    await expect(cell(FROM).getAttribute('class')).resolves.toBe('s-succeeded');
    expect(await page.locator('[data-freshness="eco2mix"]').innerText()).toContain(TO);

    await cell(FAILED_DAY).click();
    await page.waitForURL(`${server.origin}/days/${FAILED_DAY}#eco2mix`);
    const record = page.locator('section.record[data-dataset="eco2mix"]');
    const text = await record.innerText();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-failed-day.png'), fullPage: true });
    expect(text).toContain('BadData');
    expect(text).toContain('What to do: the source data is wrong');
    expect(text).toContain(`courant run --date ${FAILED_DAY} --datasets eco2mix --wait`);
    const link = await record.locator('a.temporal').getAttribute('href');
    expect(link).toMatch(
      new RegExp(
        `^${TEMPORAL_UI_URL}/namespaces/${harness.config.temporal.namespace}/workflows/day%2Feco2mix%2F${FAILED_DAY}/[0-9a-f-]{36}/history$`,
      ),
    );

    await page.goto(`${server.origin}/days/${BLOCKED_DAY}`);
    const blocked = await page.locator('section.record[data-dataset="eco2mix"]').innerText();
    expect(blocked).toContain('DataQuality');
    expect(blocked).toContain('--accept-check balance');
    expect(problems).toEqual([]);
  });

  it('shows the instant and value of a chart point on hover, in a stored report', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${server.origin}/days/${FROM}`);
    await page.getByText("The day's report, with its charts").click();
    await page.waitForURL(`${server.origin}/reports/dt=${FROM}/daily_report.html`);
    const column = page.locator('figure.chart svg .hover-columns rect').nth(40);
    await column.hover();
    const tip = page.locator('.chart-tip');
    await expect(tip.isVisible()).resolves.toBe(true);
    const shown = await tip.innerText();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-chart-tooltip.png') });
    expect(shown).toMatch(/^\d{2}:\d{2} \(GMT[+-]\d\)\n/);
    expect(shown).toMatch(/: [\d,. ]+ (MW|gCO2\/kWh|%)/);
    expect(await column.getAttribute('data-tip')).toBe(shown);
    expect(problems).toEqual([]);
  });
});
