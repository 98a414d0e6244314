/**
 * Headless Chromium for the tests that read a page as a person does: the system's build
 * (CHROMIUM_PATH, else /usr/bin/chromium), no sandbox, nothing fetched in the background. Its start
 * and every action and navigation of its pages wait until the wait's deadline against a hang
 * (deadlines.ts), not Playwright's 30 s, which a slow, loaded machine can pass.
 */
import { chromium, type Browser, type Page, type ViewportSize } from 'playwright-core';
import { WAIT_DEADLINE_MS } from './deadlines.js';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: WAIT_DEADLINE_MS,
  });
}

/** A page of `browser` at `viewport`. */
export async function openPage(browser: Browser, viewport: ViewportSize): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(WAIT_DEADLINE_MS);
  return page;
}
