/**
 * Pages of the perimeter as the API serves them, `GET /api/v1/perimeter?date=D&limit=1000`, timed
 * from the client (request sent to body read) on a billing bench's stack: the console (`courant
 * serve`'s server, bench/lib/console.ts) over the stack's storage, in the bench's process. The
 * first page once cold (the server's first request), then for each of `dates` a first page
 * written (a new listing: the stored days read and the perimeter written), the same first page
 * asked again (a new listing of unchanged days: served from the kept one's file), and a page from
 * the middle of that listing (its `nextCursor`'s listing at offset `deepCursor`), their medians.
 */
import { z } from 'zod';
import { timedGet, withBenchConsole } from '../lib/console.js';
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
  /** Medians of a first page written, of one of unchanged days, and of the page at `deepCursor`. */
  readonly writtenMs: number;
  readonly reusedMs: number;
  readonly deepMs: number;
  readonly deepCursor: number;
  /** Rows of the first page and of the deep one. */
  readonly firstRows: number;
  readonly deepRows: number;
}

/** Milliseconds of one GET of `url`, and its page. */
async function timedPage(url: string): Promise<{ ms: number; page: z.infer<typeof PerimeterPage> }> {
  const { ms, body } = await timedGet(url);
  return { ms, page: PerimeterPage.parse(JSON.parse(body)) };
}

/** Times the perimeter's pages of `dates` (the first one cold) on the storage of `env`, `contracts` in the portfolio. */
export async function timePerimeterPages(
  env: Readonly<Record<string, string>>,
  dates: readonly [string, ...string[]],
  contracts: number,
): Promise<PerimeterPages> {
  return withBenchConsole(env, async (origin) => {
    const page = (date: string, cursor: string | null) =>
      `${origin}/api/v1/perimeter?date=${date}&limit=${PAGE_ROWS}${cursor === null ? '' : `&cursor=${cursor}`}`;
    const deepCursor = Math.floor(contracts / 2 / PAGE_ROWS) * PAGE_ROWS;
    const [coldDate, ...others] = dates;
    const cold = await timedPage(page(coldDate, null));
    const written: number[] = [];
    const reused: number[] = [];
    const deep: number[] = [];
    let deepRows = 0;
    for (const date of others) {
      const opened = await timedPage(page(date, null));
      written.push(opened.ms);
      reused.push((await timedPage(page(date, null))).ms);
      const listing = opened.page.nextCursor?.split('.')[0];
      if (listing === undefined) throw new Error(`a perimeter of ${contracts} contracts in one page of ${PAGE_ROWS}`);
      const measured = await timedPage(page(date, `${listing}.${deepCursor}`));
      deep.push(measured.ms);
      deepRows = measured.page.prms.length;
    }
    return {
      coldMs: cold.ms,
      writtenMs: median(written),
      reusedMs: median(reused),
      deepMs: median(deep),
      deepCursor,
      firstRows: cold.page.prms.length,
      deepRows,
    };
  });
}
