/**
 * The perimeter listings of `courant serve` (src/serve/perimeter-listings.ts): a listing is written
 * once and its pages read from its file; it lives its time after its last page, the least recently
 * used goes first when more are opened than are kept, and a cursor whose listing is gone starts a
 * new one at its offset.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqlString } from '../../src/duckdb/columns.js';
import { PerimeterListings, type PerimeterCursor } from '../../src/serve/perimeter-listings.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-perimeter-listings-');

/** A perimeter of `rows` contracts, PRMs numbered from `first`, written as the API writes one. */
function perimeterOf(rows: number, first = 0) {
  const written: string[] = [];
  const write = async (file: string) => {
    written.push(file);
    const result = await scratch.connection.run(
      `COPY (SELECT lpad((i + ${first})::VARCHAR, 14, '0') AS prm, 'C' || i AS contract, '2024-03-01' AS since,
         CASE WHEN i % 2 = 0 THEN 'c15' ELSE 'snapshot' END AS source FROM range(${rows}) t(i) ORDER BY i)
       TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 7)`,
    );
    return Number(result.rowsChanged);
  };
  // Named by what it holds, as the API names a perimeter by the files it is computed from.
  const source = () => Promise.resolve({ inputs: `${rows} from ${first}`, write });
  return { source, written };
}

const prm = (n: number) => String(n).padStart(14, '0');
const start: PerimeterCursor = { listing: null, offset: 0 };
/** The cursor a page's `nextCursor` stands for. */
function cursorOf(next: string | null): PerimeterCursor {
  const [listing = null, offset = '0'] = (next ?? '').split('.');
  return { listing, offset: Number(offset) };
}

let now = 0;
let listings = new PerimeterListings({ max: 2, ttlMs: 1000, now: () => now });
afterEach(async () => {
  await listings.close();
  now = 0;
  listings = new PerimeterListings({ max: 2, ttlMs: 1000, now: () => now });
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
});
