/**
 * A billed month as its readers ask for it, timed from the client (request sent to body read) on a
 * billing bench's stack, the console (`courant serve`'s server, bench/lib/console.ts) over the
 * stack's storage in the bench's process: `GET /api/v1/billing?month=M&limit=1000`, its first page
 * and the page from the middle of the month (`cursor`), and the console's month page
 * `GET /billing/M` (its totals, the contracts with problems, what moved in the last version). The
 * first API page once cold (the server's first request), then the medians of `RUNS` of each.
 */
import { z } from 'zod';
import { timedGet, withBenchConsole } from '../lib/console.js';
import { median } from '../lib/stats.js';
import { PAGE_ROWS } from './perimeter-pages.js';

const RUNS = 5;

const BillingPage = z.object({ contracts: z.array(z.unknown()), nextCursor: z.string().nullable() });

export interface BillingPages {
  /** The API's first page, the server's first request. */
  readonly coldMs: number;
  /** Medians of the API's first page, of its page at `deepCursor`, and of the console's month page. */
  readonly firstMs: number;
  readonly deepMs: number;
  readonly deepCursor: number;
  readonly consoleMs: number;
  /** Bytes of the console's month page. */
  readonly consoleBytes: number;
}

/** Times the pages of billed `month` on the storage of `env`, `contracts` in it. */
export async function timeBillingPages(
  env: Readonly<Record<string, string>>,
  month: string,
  contracts: number,
): Promise<BillingPages> {
  return withBenchConsole(env, async (origin) => {
    const api = (cursor: number | null) =>
      `${origin}/api/v1/billing?month=${month}&limit=${PAGE_ROWS}${cursor === null ? '' : `&cursor=${cursor}`}`;
    const deepCursor = Math.floor(contracts / 2 / PAGE_ROWS) * PAGE_ROWS;
    const cold = await timedGet(api(null));
    const rows = BillingPage.parse(JSON.parse(cold.body)).contracts.length;
    if (rows !== Math.min(PAGE_ROWS, contracts)) throw new Error(`the first page of ${month} holds ${rows} contracts`);
    const first: number[] = [];
    const deep: number[] = [];
    const page: number[] = [];
    let consoleBytes = 0;
    for (let i = 0; i < RUNS; i += 1) {
      first.push((await timedGet(api(null))).ms);
      deep.push((await timedGet(api(deepCursor))).ms);
      const shown = await timedGet(`${origin}/billing/${month}`);
      page.push(shown.ms);
      consoleBytes = shown.body.length;
    }
    return {
      coldMs: cold.ms,
      firstMs: median(first),
      deepMs: median(deep),
      deepCursor,
      consoleMs: median(page),
      consoleBytes,
    };
  });
}
