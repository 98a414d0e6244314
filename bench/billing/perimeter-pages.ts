/**
 * Pages of the perimeter as the API serves them, `GET /api/v1/perimeter?date=D&limit=1000`, timed
 * from the client (request sent to body read) on a billing bench's stack: the console (`courant
 * serve`'s server, bench/lib/console.ts) over the stack's storage, in the bench's process. The
 * first page once cold (the server's first request), then for each of `dates` a first page of a
 * new listing (the stored days read, a head of the perimeter aggregated), its next two pages asked
 * at once (`nextCursor`: the listing's head, its file being written), the same first page asked
 * again (a new listing of unchanged days: the kept listing's), and a page from the middle of that
 * listing (its listing at offset `deepCursor`) asked twice: at once (it waits for the file) and
 * again (read from the file), their medians.
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
  /** Medians of a new listing's first page, its next two, one of unchanged days, and of the page at `deepCursor` asked at once and again. */
  readonly writtenMs: number;
  readonly nextMs: number;
  readonly thirdMs: number;
  readonly reusedMs: number;
  readonly deepWaitMs: number;
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
    const next: number[] = [];
    const third: number[] = [];
    const reused: number[] = [];
    const deepWait: number[] = [];
    const deep: number[] = [];
    let deepRows = 0;
    for (const date of others) {
      const opened = await timedPage(page(date, null));
      written.push(opened.ms);
      const [listing] = opened.page.nextCursor?.split('.') ?? [];
      if (listing === undefined) throw new Error(`a perimeter of ${contracts} contracts in one page of ${PAGE_ROWS}`);
      const second = await timedPage(page(date, opened.page.nextCursor));
      next.push(second.ms);
      third.push((await timedPage(page(date, second.page.nextCursor))).ms);
      reused.push((await timedPage(page(date, null))).ms);
      deepWait.push((await timedPage(page(date, `${listing}.${deepCursor}`))).ms);
      const measured = await timedPage(page(date, `${listing}.${deepCursor}`));
      deep.push(measured.ms);
      deepRows = measured.page.prms.length;
    }
    return {
      coldMs: cold.ms,
      writtenMs: median(written),
      nextMs: median(next),
      thirdMs: median(third),
      reusedMs: median(reused),
      deepWaitMs: median(deepWait),
      deepMs: median(deep),
      deepCursor,
      firstRows: cold.page.prms.length,
      deepRows,
    };
  });
}
