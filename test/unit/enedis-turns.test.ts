/**
 * The Enedis dataset's DuckDB turns: one DuckDB kept for turn after turn (a backlog's thousands of
 * turns open none each), and a turn that runs out of memory on it runs again, once, on a new one.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { withQueryDb } from '../../src/datasets/enedis/turns.js';

const outOfMemory = () =>
  new Error('Out of Memory Error: failed to pin block of size 256.0 KiB (122.0 MiB/122.0 MiB used)');

/** Whether the DuckDB of the turn holds the table `marker`, left by an earlier turn on the same one. */
async function hasMarker(db: DuckDBConnection): Promise<boolean> {
  const found = await db.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'marker'`);
  return Number(found.getRows()[0]?.[0]) > 0;
}

describe('the Enedis DuckDB turns', () => {
  it('keep one DuckDB from turn to turn, and run a turn out of memory again on a new one', async () => {
    await withQueryDb((db) => db.run('CREATE OR REPLACE TABLE marker AS SELECT 1 AS x'));
    expect(await withQueryDb(hasMarker)).toBe(true);

    let calls = 0;
    const again = await withQueryDb(async (db) => {
      calls += 1;
      if (calls === 1) throw outOfMemory();
      return hasMarker(db);
    });
    expect(calls).toBe(2);
    expect(again).toBe(false);
  });

  it('give up on a turn out of memory on a DuckDB opened for it', async () => {
    await withQueryDb((db) => db.run('CREATE OR REPLACE TABLE marker AS SELECT 1 AS x'));
    let calls = 0;
    await expect(
      withQueryDb(() => {
        calls += 1;
        return Promise.reject(outOfMemory());
      }),
    ).rejects.toThrow(/Out of Memory/);
    expect(calls).toBe(2);
  });
});
