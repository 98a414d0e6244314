/**
 * Pages of the perimeter as the API serves them, `GET /api/v1/perimeter?date=D&limit=1000`, timed
 * from the client (request sent to body read) on a billing bench's stack: the console (`courant
 * serve`'s server, bench/lib/console.ts) over the stack's storage, in the bench's process. The
 * first page once cold (the server's first request), then `runs` times a first page (a new listing:
 * the stored days read and the perimeter written) and a page from the middle of that listing (its
 * `nextCursor`'s listing at offset `deepCursor`: read from the listing's file alone), their medians.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { loadConfig } from '../../src/config/index.js';
import { registeredCatalog } from '../../src/datasets/catalog.js';
import { DATASET_MODULES } from '../../src/datasets/registry.js';
import { createStorage } from '../../src/storage/index.js';
import { startBenchConsole } from '../lib/console.js';
import { median } from '../lib/stats.js';

/** The rows of a page the issue measures. */
export const PAGE_ROWS = 1000;

const PerimeterPage = z.object({
  date: z.string(),
  prms: z.array(z.object({ prm: z.string(), contract: z.string(), since: z.string(), source: z.string() })),
  nextCursor: z.string().nullable(),
});

export interface PerimeterPages {
  /** The first page, the server's first request. */
  readonly coldMs: number;
  /** Medians of the first page and of the page at `deepCursor`. */
  readonly firstMs: number;
  readonly deepMs: number;
  readonly deepCursor: number;
  /** Rows of the first page and of the deep one. */
  readonly firstRows: number;
  readonly deepRows: number;
}

/** Milliseconds of one GET of `url`, and its page. */
async function timedPage(url: string): Promise<{ ms: number; page: z.infer<typeof PerimeterPage> }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 300)}`);
  return { ms, page: PerimeterPage.parse(JSON.parse(body)) };
}

/** Times the perimeter's pages of `date` on the storage of `env`, `contracts` in the portfolio. */
export async function timePerimeterPages(
  env: Readonly<Record<string, string>>,
  date: string,
  contracts: number,
  runs = 5,
): Promise<PerimeterPages> {
  const config = loadConfig(env, DATASET_MODULES);
  const storage = await createStorage(config);
  try {
    const app = await startBenchConsole(storage, config, registeredCatalog(config.datasets));
    try {
      const page = (cursor: string | null) =>
        `${app.origin}/api/v1/perimeter?date=${date}&limit=${PAGE_ROWS}${cursor === null ? '' : `&cursor=${cursor}`}`;
      const deepCursor = Math.floor(contracts / 2 / PAGE_ROWS) * PAGE_ROWS;
      const cold = await timedPage(page(null));
      const first: number[] = [];
      const deep: number[] = [];
      let deepRows = 0;
      for (let run = 0; run < runs; run += 1) {
        const opened = await timedPage(page(null));
        first.push(opened.ms);
        const listing = opened.page.nextCursor?.split('.')[0];
        if (listing === undefined) throw new Error(`a perimeter of ${contracts} contracts in one page of ${PAGE_ROWS}`);
        const measured = await timedPage(page(`${listing}.${deepCursor}`));
        deep.push(measured.ms);
        deepRows = measured.page.prms.length;
      }
      return {
        coldMs: cold.ms,
        firstMs: median(first),
        deepMs: median(deep),
        deepCursor,
        firstRows: cold.page.prms.length,
        deepRows,
      };
    } finally {
      await app.close();
    }
  } finally {
    await storage.close();
  }
}
