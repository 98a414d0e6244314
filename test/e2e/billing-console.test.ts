/**
 * The billing pages in headless Chromium, over a store holding Enedis days as the enedis transform
 * writes them (flows the test writes in the real layout) and the real document store, the month
 * billed by the billing activity as the workflow runs it, then again after a late R151: the month's
 * page shows its totals, its runs and why each ran, the contracts with problems; a click on one
 * opens its history, its C15 events and its row of the month. No Content-Security-Policy
 * violation, no request leaves the console. Screenshots are kept in test-artifacts/.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities } from '../../src/activities/billing.js';
import type { ActivityDeps } from '../../src/activities/deps.js';
import type { Config } from '../../src/config/index.js';
import { PROJECT_ROOT } from '../../src/stack/tools.js';
import { createStorage, type Storage } from '../../src/storage/index.js';
import { putStoredDays, storeFlows } from '../support/billing-store.js';
import { startConsole, type RunningConsole } from '../support/console-server.js';
import { c15Flow, r151Flow } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';
import { testConfig } from '../support/test-stack.js';
import { launchBrowser, openPage } from '../support/browser.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const MONTH = '2024-03';
/** Billed in full once its R151 arrives; the other PRM has no rate for its FTA. */
const READ = '99660599682041';
const NO_RATE = '99660599682042';
const scratch = useScratchDuckDb('courant-billing-console-');
let config: Config;
let storage: Storage;
let server: RunningConsole;
let browser: Browser;

beforeAll(async () => {
  config = await testConfig();
  storage = await createStorage(config);
  const c15 = c15Flow([
    {
      prm: READ,
      at: '2024-03-01T00:00:00+01:00',
      nature: 'MES',
      contract: 'C-READ',
      kva: 6,
      after: { HPH: 1000, HCH: 500, HPB: 0, HCB: 0 },
    },
    { prm: READ, at: '2024-03-20T00:00:00+01:00', nature: 'MCT', contract: 'C-READ', kva: 9 },
    { prm: NO_RATE, at: '2024-03-05T00:00:00+01:00', nature: 'MES', contract: 'C-XX', fta: 'BTINFXX', kva: 6 },
  ]);
  // Billing reads the store: the activity as the workflow runs it (in an activity's context), on its own deps (no Temporal call).
  const billing = createBillingActivities(
    { objects: storage.objects, records: storage.records, scratchDir: scratch.dir } as ActivityDeps,
    {} as Client,
  );
  await putStoredDays(storage, await storeFlows(scratch, [c15]));
  await new MockActivityEnvironment().run(billing.billStoredMonth, {
    month: MONTH,
    triggers: [{ kind: 'schedule' as const }],
  });
  const late = await storeFlows(scratch, [
    c15,
    r151Flow([{ prm: READ, date: '2024-03-31', wh: { HPH: 1_100_000, HCH: 550_000, HPB: 0, HCB: 0 } }]),
  ]);
  await putStoredDays(storage, late);
  await new MockActivityEnvironment().run(billing.billStoredMonth, {
    month: MONTH,
    triggers: [{ kind: 'late-day' as const, date: '2024-03-31', flows: ['raw/enedis/dt=2024-03-31/drop-0123.xml'] }],
  });
  server = await startConsole({ config, records: storage.records, objects: storage.objects, tokens: null });
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await storage?.close();
  if (config) await rm(config.storage.dataDir, { recursive: true, force: true });
});

/** A page that records every Content-Security-Policy violation, failed request and request elsewhere. */
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

describe('the billing pages in a browser', () => {
  it("shows the month's totals, its runs and why, the contracts with problems, and opens a contract's history", async () => {
    const { page, problems } = await watchedPage();
    const response = await page.goto(`${server.origin}/billing/${MONTH}`);
    expect(response?.status()).toBe(200);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-billing-month.png'), fullPage: true });
    const tiles = await page.locator('.tiles').innerText();
    expect(tiles).toMatch(/contracts\s+2\s+58 days supplied/);
    expect(tiles).toMatch(/with problems\s+1/);
    // C-READ: 89.40 × 19 / 365 = 4.6537 → 4.65 and 116.40 × 12 / 365 = 3.8268 → 3.83; C-XX has no
    // rate and no reading: both totals leave it out, and say so.
    expect(tiles).toMatch(/TURPE fixed\s+≥ 8\.48 €\s+not computed, or in part only, for 1 of 2 contracts/);
    expect(tiles).toMatch(/TURPE variable\s+≥ 8\.95 €\s+not computed, or in part only, for 1 of 2 contracts/);
    const runs = await page.locator('table').last().innerText();
    expect(runs).toMatch(/moved\s+late day 2024-03-31 \(raw\/enedis\/dt=2024-03-31\/drop-0123\.xml\)/);
    expect(runs).toMatch(/moved\s+schedule/);
    const withProblems = page.locator('[data-problems]');
    expect(await withProblems.innerText()).toContain('no_rate no TURPE rate for BTINFXX on 2024-03-05');
    expect(await withProblems.locator('a.contract').count()).toBe(1);

    await withProblems.locator('a.contract').click();
    await page.waitForURL(`${server.origin}/contracts/${NO_RATE}/C-XX`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-billing-contract.png'), fullPage: true });
    expect(await page.locator('[data-events]').innerText()).toMatch(/2024-03-05\s+MES\s+entry\s+BTINFXX\s+6/);
    const months = await page.locator('[data-months]').innerText();
    expect(months).toMatch(/2024-03\s+27\s+6\s+BTINFXX/);
    expect(months).toContain('no_rate');

    await page.goto(`${server.origin}/contracts/${READ}/C-READ`);
    expect(await page.locator('[data-source]').innerText()).toBe('Starts from its C15 entry.');
    expect(await page.locator('[data-events]').innerText()).toMatch(/2024-03-20\s+MCT\s+change\s+BTINFCU4\s+9/);
    expect(await page.locator('[data-months]').innerText()).toMatch(
      /2024-03\s+31\s+7\.161\s+BTINFCU4\s+150\s+real\s+8\.48 €\s+8\.95 €/,
    );
    expect(problems).toEqual([]);
  });

  it('answers a month not billed yet with a page that says how to bill it, status 404', async () => {
    const { page, problems } = await watchedPage();
    const response = await page.goto(`${server.origin}/billing/2024-04`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toContain('courant billing --month 2024-04');
    expect(problems).toEqual([]);
  });
});
