/**
 * A month's Parquet is the same bytes however its rows were cut (src/billing/billing.ts,
 * `joinBilledParts`): the slices of one piece, the shards of a fleet, one DuckDB thread or two. A
 * month of more rows than a row group holds is where concatenated parts differed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinBilledParts } from '../../src/billing/billing.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { copyToParquetSql } from '../../src/duckdb/copy.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const one = useScratchDuckDb('courant-parts-one-', { threads: 1 });
const two = useScratchDuckDb('courant-parts-two-', { threads: 2 });

/** A billed month of `rows` contracts, its key and a few columns: each PRM's contracts, the first PRM of each ten with no contract reference. */
const month = (rows: number) => `SELECT lpad((i // 2)::VARCHAR, 14, '0') AS prm,
    CASE WHEN i % 20 = 0 THEN NULL ELSE 'C' || i END AS contract,
    (i * 7 % 1000)::DECIMAL(12, 2) AS fixed_eur, CASE WHEN i % 3 = 0 THEN ['no_rate'] ELSE [] END AS problems
  FROM range(${rows}) t(i) ORDER BY prm, contract NULLS FIRST`;

/** More rows than DuckDB's row group (122 880) holds: the month's file holds three. */
const LARGE = { rows: 300_000, groups: 3 };
/** Fewer: one row group. */
const SMALL = { rows: 100_000, groups: 1 };

/**
 * The month of `size.rows` contracts cut at `cuts` (row numbers), each part written alone then all
 * joined; the SHA-256 of the month's file, which holds `size.groups` row groups.
 */
async function joinedAt(
  scratch: typeof one,
  name: string,
  size: { rows: number; groups: number },
  cuts: readonly number[],
): Promise<string> {
  const bounds = [0, ...cuts, size.rows];
  const parts = bounds.slice(1).map((_, i) => path.join(scratch.dir, `${name}-${i}.parquet`));
  for (const [i, part] of parts.entries()) {
    const rows = (bounds[i + 1] ?? 0) - (bounds[i] ?? 0);
    await scratch.connection.run(
      copyToParquetSql(`SELECT * FROM (${month(size.rows)}) LIMIT ${rows} OFFSET ${bounds[i]}`, part),
    );
  }
  const target = path.join(scratch.dir, `${name}.parquet`);
  await joinBilledParts(scratch.connection, parts, target);
  const written = await scratch.connection.runAndReadAll(
    `SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${sqlString(target)})`,
  );
  expect(Number(written.getRows()[0]?.[0])).toBe(size.groups);
  return createHash('sha256')
    .update(await readFile(target))
    .digest('hex');
}

describe("a month's Parquet from its billed parts", () => {
  it('is the same bytes in one part, in slices, in uneven shards, on one thread or two', async () => {
    const whole = await joinedAt(one, 'whole', LARGE, []);
    const slices = [20_000, 40_000, 60_000, 80_000, 100_000, 120_000, 140_000, 160_000];
    expect(await joinedAt(one, 'slices', LARGE, slices)).toBe(whole);
    expect(await joinedAt(one, 'shards', LARGE, [100_001, 250_003])).toBe(whole);
    expect(await joinedAt(two, 'whole', LARGE, [])).toBe(whole);
    expect(await joinedAt(two, 'shards', LARGE, [7, 122_881, 200_000])).toBe(whole);
  });

  it('is the same bytes within one row group, its parts concatenated', async () => {
    const whole = await joinedAt(one, 'small-whole', SMALL, []);
    expect(await joinedAt(one, 'small-slices', SMALL, [20_000, 40_000, 60_000, 80_000])).toBe(whole);
    expect(await joinedAt(two, 'small-shards', SMALL, [7, 50_001])).toBe(whole);
  });
});
