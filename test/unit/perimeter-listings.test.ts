/**
 * The perimeter listings of `courant serve` (src/serve/perimeter-listings.ts): a listing is written
 * once and its pages read from its file; it lives its time after its last page, the least recently
 * used goes first when more are opened than are kept, and a cursor whose listing is gone starts a
 * new one at its offset.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sqlString } from '../../src/duckdb/columns.js';
import { PerimeterListings, type PerimeterCursor } from '../../src/serve/perimeter-listings.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-perimeter-listings-');

/** The rows of a perimeter of `rows` contracts, PRMs numbered from `first`. */
const rowsSql = (rows: number, first: number) =>
  `SELECT lpad((i + ${first})::VARCHAR, 14, '0') AS prm, 'C' || i AS contract, '2024-03-01' AS since,
     CASE WHEN i % 2 = 0 THEN 'c15' ELSE 'snapshot' END AS source FROM range(${rows}) t(i) ORDER BY i`;

/**
 * A perimeter of `rows` contracts, PRMs numbered from `first`, written as the API writes one; its
 * write waits for `gate` when given, and fails with `failure` when given.
 */
function perimeterOf(rows: number, first = 0, options: { gate?: Promise<void>; failure?: Error } = {}) {
  const written: string[] = [];
  const released: string[] = [];
  /** The rows each head was asked for. */
  const heads: number[] = [];
  const write = async (file: string) => {
    written.push(file);
    await options.gate;
    if (options.failure) throw options.failure;
    const result = await scratch.connection.run(
      `COPY (${rowsSql(rows, first)}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 7)`,
    );
    return Number(result.rowsChanged);
  };
  const head = async (count: number) => {
    heads.push(count);
    const read = await scratch.connection.runAndReadAll(`${rowsSql(rows, first)} LIMIT ${count}`);
    return z
      .array(
        z.object({ prm: z.string(), contract: z.string(), since: z.string(), source: z.enum(['c15', 'snapshot']) }),
      )
      .parse(read.getRowObjectsJson());
  };
  // Named by what it holds, as the API names a perimeter by the files it is computed from.
  const inputs = `${rows} from ${first}`;
  const source = () =>
    Promise.resolve({ inputs, head, write, release: () => Promise.resolve(void released.push(inputs)) });
  return { source, written, released, heads };
}

const prm = (n: number) => String(n).padStart(14, '0');
const start: PerimeterCursor = { listing: null, offset: 0 };
/** The cursor a page's `nextCursor` stands for. */
function cursorOf(next: string | null): PerimeterCursor {
  const [listing = null, offset = '0'] = (next ?? '').split('.');
  return { listing, offset: Number(offset) };
}

/** A gate a test's write waits at; every gate is opened after the test, so that a failed test's listings close. */
const gates: Array<() => void> = [];
function gated(): { gate: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  gates.push(open);
  return { gate, open };
}

let now = 0;
const failed: unknown[] = [];
const options = { max: 2, ttlMs: 1000, now: () => now, writeFailed: (error: unknown) => void failed.push(error) };
let listings = new PerimeterListings(options);
afterEach(async () => {
  for (const open of gates.splice(0)) open();
  await listings.close();
  now = 0;
  failed.length = 0;
  listings = new PerimeterListings(options);
});

describe('perimeter listings', () => {
  it('pages a listing written once, row groups crossed, to its last row', async () => {
    const perimeter = perimeterOf(25);
    const prms: string[] = [];
    let cursor = start;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await listings.page('2024-03-15 ', cursor, 10, perimeter.source);
      prms.push(...page.rows.map((r) => r.prm));
      if (page.nextCursor === null) break;
      expect(page.nextCursor).toMatch(/^[0-9a-f]{16}\.[0-9]+$/);
      cursor = cursorOf(page.nextCursor);
    }
    expect(prms).toEqual(Array.from({ length: 25 }, (_, i) => prm(i)));
    expect(perimeter.written).toHaveLength(1);
  });

  it('answers an empty perimeter with no rows and no next page', async () => {
    expect(await listings.page('2024-03-15 ', start, 10, perimeterOf(0).source)).toEqual({
      rows: [],
      nextCursor: null,
    });
  });

  it('serves a new listing from a kept one of the same query and inputs, and writes one when they differ', async () => {
    const perimeter = perimeterOf(20);
    const first = await listings.page('2024-03-15 ', start, 10, perimeter.source);
    const again = await listings.page('2024-03-15 ', start, 10, perimeter.source);
    expect(again).toEqual(first);
    expect(perimeter.written).toHaveLength(1);
    const landed = perimeterOf(20, 100);
    expect((await listings.page('2024-03-15 ', start, 10, landed.source)).rows[0]?.prm).toBe(prm(100));
    expect(landed.written).toHaveLength(1);
    // The pages of the first listing still come from its own file.
    expect((await listings.page('2024-03-15 ', cursorOf(first.nextCursor), 10, landed.source)).rows[0]?.prm).toBe(
      prm(10),
    );
  });

  it("starts a new listing for a cursor of another query, or one whose listing's time is over", async () => {
    const first = perimeterOf(20);
    const page = await listings.page('2024-03-15 ', start, 10, first.source);
    const later = perimeterOf(20, 100);
    const other = await listings.page('2024-03-16 ', cursorOf(page.nextCursor), 10, later.source);
    expect(other.rows[0]?.prm).toBe(prm(110));
    now += 1001;
    const expired = await listings.page('2024-03-15 ', cursorOf(page.nextCursor), 10, later.source);
    expect(expired.rows[0]?.prm).toBe(prm(110));
    expect(first.written).toHaveLength(1);
    expect(later.written).toHaveLength(2);
    // The expired listing's file is gone.
    expect(await readdir(path.dirname(first.written[0] ?? ''))).not.toContain(path.basename(first.written[0] ?? ''));
  });

  it('keeps the listings used last: a cursor of one dropped starts a new listing at its offset', async () => {
    const [a, b, c] = [perimeterOf(20), perimeterOf(20, 100), perimeterOf(20, 200)];
    const pageA = await listings.page('a', start, 10, a.source);
    const pageB = await listings.page('b', start, 10, b.source);
    // A used again: B is now the least recently used, and goes when C opens.
    await listings.page('a', cursorOf(pageA.nextCursor), 5, a.source);
    await listings.page('c', start, 10, c.source);
    expect((await listings.page('a', cursorOf(pageA.nextCursor), 10, a.source)).rows[0]?.prm).toBe(prm(10));
    expect(a.written).toHaveLength(1);
    expect((await listings.page('b', cursorOf(pageB.nextCursor), 10, b.source)).rows[0]?.prm).toBe(prm(110));
    expect(b.written).toHaveLength(2);
  });

  it('answers pages from heads while the listing is written, past its first 10 000 rows from the file', async () => {
    const { gate, open } = gated();
    const perimeter = perimeterOf(10_025, 0, { gate });
    const first = await listings.page('2024-03-15 ', start, 10, perimeter.source);
    // Answered while the write waits at its gate: the file is not there yet.
    expect(first.rows.map((r) => r.prm)).toEqual(Array.from({ length: 10 }, (_, i) => prm(i)));
    expect(perimeter.written).toHaveLength(1);
    expect(await readdir(path.dirname(perimeter.written[0] ?? ''))).not.toContain(
      path.basename(perimeter.written[0] ?? ''),
    );
    // The first head holds two pages; the third page is read from a longer head. The source is
    // still held for the write.
    const second = await listings.page('2024-03-15 ', cursorOf(first.nextCursor), 10, perimeter.source);
    expect(second.rows.map((r) => r.prm)).toEqual(Array.from({ length: 10 }, (_, i) => prm(i + 10)));
    const third = await listings.page('2024-03-15 ', cursorOf(second.nextCursor), 10, perimeter.source);
    expect(third.rows.map((r) => r.prm)).toEqual(Array.from({ length: 10 }, (_, i) => prm(i + 20)));
    expect(perimeter.heads).toEqual([21, 31]);
    expect(perimeter.released).toEqual([]);
    // Past the first 10 000 rows, a page waits for the file.
    const deep = listings.page(
      '2024-03-15 ',
      { listing: cursorOf(first.nextCursor).listing, offset: 10_000 },
      10,
      perimeter.source,
    );
    open();
    expect((await deep).rows.map((r) => r.prm)).toEqual(Array.from({ length: 10 }, (_, i) => prm(i + 10_000)));
    expect(perimeter.heads).toEqual([21, 31]);
    expect(perimeter.released).toHaveLength(1);
    // A head of exactly one page: no next page.
    expect(await listings.page('other', start, 25, perimeterOf(25, 0).source)).toMatchObject({ nextCursor: null });
  });

  it('answers a new listing of unchanged inputs from the kept head while its file is written, the source let go at once', async () => {
    const { gate, open } = gated();
    const perimeter = perimeterOf(20, 0, { gate });
    const first = await listings.page('2024-03-15 ', start, 10, perimeter.source);
    const again = await listings.page('2024-03-15 ', start, 10, perimeter.source);
    expect(again).toEqual(first);
    expect(perimeter.written).toHaveLength(1);
    // The second source is let go at once; the first once its listing is written.
    expect(perimeter.released).toHaveLength(1);
    open();
    // Closing waits for the listings being written.
    await listings.close();
    expect(perimeter.released).toHaveLength(2);
  });

  it('says when a listing could not be written; its cursor then starts a new listing at its offset', async () => {
    const failure = new Error('disk full');
    const broken = perimeterOf(40, 0, { failure });
    const first = await listings.page('2024-03-15 ', start, 10, broken.source);
    expect(first.rows).toHaveLength(10);
    await expect.poll(() => failed).toEqual([failure]);
    // Past the listing's head, once its file failed: a new listing at the cursor's offset.
    const mended = perimeterOf(40);
    const past = { listing: cursorOf(first.nextCursor).listing, offset: 20 };
    const next = await listings.page('2024-03-15 ', past, 10, mended.source);
    expect(next.rows.map((r) => r.prm)).toEqual(Array.from({ length: 10 }, (_, i) => prm(i + 20)));
    expect(broken.released).toHaveLength(1);
    expect(mended.written).toHaveLength(1);
  });
});
