/**
 * What an operator sees: the dev server's Web UI, in headless Chromium, lists the failed day under
 * the PartitionDate query, and not under another day's; a day blocked by a quality check shows its
 * DataQuality failure, naming the check and the command that accepts it. Screenshots are kept in
 * test-artifacts/.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDay } from '../../src/client/start-day.js';
import { startOdreServer, type OdreServer } from '../../src/datasets/eco2mix/demo/odre-replay-server.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';
import { SEARCH_ATTRIBUTES } from '../../src/workflow-safe/search-attributes.js';
import { freePort } from '../../src/stack/ports.js';
import { PROJECT_ROOT, resolveTool } from '../../src/stack/tools.js';
import {
  emptyExport,
  syntheticRealtimeExport,
  unbalancedRealtimeExport,
  whereStartOf,
} from '../support/synthetic-eco2mix.js';
import { startTestWorker, testConfig, type TestWorkerHarness } from '../support/test-stack.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { readUntil } from '../support/deadlines.js';

const DAY = '2022-06-01';
/** A day whose export does not balance: the `balance` check blocks it. */
const BLOCKED_DAY = '2022-06-08';
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');

let server: TestWorkflowEnvironment;
let uiPort: number;
let odre: OdreServer;
let harness: TestWorkerHarness;
let browser: Browser;

beforeAll(async () => {
  uiPort = await freePort();
  server = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: resolveTool('temporal', process.env.TEMPORAL_CLI_PATH) },
      ip: '127.0.0.1',
      ui: true,
      uiPort,
      searchAttributes: [...SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: 'error' },
    },
  });
  odre = await startOdreServer({
    'eco2mix-national-tr': syntheticRealtimeExport(DAY, DAY),
    'eco2mix-national-cons-def': emptyExport(),
  });
  odre.failWhen('eco2mix-national-tr', (where) =>
    where?.startsWith(whereStartOf(BLOCKED_DAY))
      ? { status: 200, contentType: 'text/csv', body: unbalancedRealtimeExport(BLOCKED_DAY) }
      : undefined,
  );
  harness = await startTestWorker(
    await testConfig({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      ECO2MIX_BASE_URL: odre.baseUrl,
    }),
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await odre?.close();
  await server?.teardown();
});

async function listedIds(query: string, expectAny: boolean): Promise<{ text: string; page: Page }> {
  const page = await openPage(browser, { width: 1400, height: 900 });
  const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
  const text = await readUntil(
    async () => {
      await page.goto(url, { waitUntil: 'networkidle' });
      return page.locator('body').innerText();
    },
    (body) => !expectAny || body.includes('daily/'),
    1_000,
  );
  return { text, page };
}

describe('the Temporal Web UI', () => {
  it('lists the failed day under its PartitionDate query, with a screenshot kept', async () => {
    odre.failNext('eco2mix-national-tr', [{ status: 200, contentType: 'text/html', body: '<html>down</html>' }]);
    const handle = await startDay(harness.client, {
      date: DAY,
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    await expect(handle.result()).rejects.toThrow();

    const query = `PartitionDate >= "${DAY}T00:00:00Z" AND PartitionDate < "2022-06-02T00:00:00Z" AND ExecutionStatus = "Failed"`;
    const { text, page } = await listedIds(query, true);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-failed-day.png'), fullPage: true });
    expect(text).toContain(`daily/${DAY}`);
    expect(text).toContain(`day/eco2mix/${DAY}`);
    expect(text).toMatch(/Failed/);

    const other = await listedIds(`PartitionDate >= "2022-06-02T00:00:00Z" AND ExecutionStatus = "Failed"`, false);
    expect(other.text).not.toContain(`daily/${DAY}`);
  });

  it('shows a day blocked by a quality check with its DataQuality failure, with a screenshot kept', async () => {
    const handle = await startDay(harness.client, {
      date: BLOCKED_DAY,
      runKind: 'manual',
      taskQueue: harness.config.temporal.taskQueue,
    });
    await expect(handle.result()).rejects.toThrow();
    const child = harness.client.workflow.getHandle(workflowIds.datasetDay('eco2mix', BLOCKED_DAY));
    const { runId } = await child.describe();

    const page = await openPage(browser, { width: 1400, height: 1100 });
    const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(child.workflowId)}/${runId}/history`;
    const text = await readUntil(
      async () => {
        await page.goto(url, { waitUntil: 'networkidle' });
        return page.locator('body').innerText();
      },
      (body) => body.includes('DataQuality'),
      1_000,
    );
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-blocked-day.png'), fullPage: true });
    expect(text).toContain('DataQuality');
    expect(text).toContain('balance (block)');
    expect(text).toContain(`--accept-check balance`);
  });
});
