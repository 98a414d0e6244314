/**
 * The Enedis dataset's DuckDB turns: one DuckDB kept for turn after turn (a backlog's thousands of
 * turns open none each), each turn on the threads of its kind (a day's on one while a flow is read
 * beside it), the dataset's checks in a day's turn, and a turn that runs out of memory on it runs
 * again, once, on a new one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { readFlowsOffThread } from '../../src/datasets/enedis/flow-thread.js';
import { enedis } from '../../src/datasets/enedis/module.js';
import { DAY_THREADS, withQueryDb } from '../../src/datasets/enedis/turns.js';
import { r151Flow } from '../support/enedis-flows.js';

const outOfMemory = () =>
  new Error('Out of Memory Error: failed to pin block of size 256.0 KiB (122.0 MiB/122.0 MiB used)');

/** The threads the turn's DuckDB runs on. */
async function threads(db: DuckDBConnection): Promise<number> {
  return Number((await db.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0]?.[0]);
}

/** The memory limit of the turn's DuckDB, in bytes. */
async function memoryLimit(db: DuckDBConnection): Promise<number> {
  const found = await db.runAndReadAll(`SELECT current_setting('memory_limit')`);
  const [amount, unit] = String(found.getRows()[0]?.[0]).split(' ');
  return Number(amount) * { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 }[unit as 'KiB' | 'MiB' | 'GiB'];
}

/** Whether the DuckDB of the turn holds the table `marker`, left by an earlier turn on the same one. */
async function hasMarker(db: DuckDBConnection): Promise<boolean> {
  const found = await db.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'marker'`);
  return Number(found.getRows()[0]?.[0]) > 0;
}

describe('the Enedis DuckDB turns', () => {
  it('keep one DuckDB from turn to turn, and run a turn out of memory again on a new one', async () => {
    await withQueryDb('claim', (db) => db.run('CREATE OR REPLACE TABLE marker AS SELECT 1 AS x'));
    expect(await withQueryDb('day', hasMarker)).toBe(true);

    let calls = 0;
    const again = await withQueryDb('day', async (db) => {
      calls += 1;
      if (calls === 1) throw outOfMemory();
      return hasMarker(db);
    });
    expect(calls).toBe(2);
    expect(again).toBe(false);
  });

  it("run a claim's turn on one thread in 128 MB and a day's on DAY_THREADS in 256 MB, on the same DuckDB", async () => {
    await withQueryDb('claim', (db) => db.run('CREATE OR REPLACE TABLE marker AS SELECT 1 AS x'));
    expect(await withQueryDb('day', threads)).toBe(DAY_THREADS);
    expect(await withQueryDb('claim', threads)).toBe(1);
    expect(await withQueryDb('day', hasMarker)).toBe(true);
    // DuckDB reads 256 MB and 128 MB back as 244.1 and 122.0 MiB.
    expect(await withQueryDb('day', memoryLimit)).toBeCloseTo(256e6, -6);
    expect(await withQueryDb('claim', memoryLimit)).toBeCloseTo(128e6, -6);
  });

  it("run a day's turn on one thread while a flow is read beside it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'courant-turns-'));
    const local = path.join(dir, 'flow.xml');
    const readings = Array.from({ length: 600 }, (_, i) => ({
      prm: String(99000000000000 + i),
      date: '2024-01-01',
      wh: { HCB: String(1000 + i) },
    }));
    await writeFile(local, r151Flow(readings));
    // Started from the first segment: the flow's read resolves only after its last one.
    const during: Array<Promise<number>> = [];
    await readFlowsOffThread(
      { local, name: 'raw/flow.xml', scratch: dir, prefix: 'values' },
      { lines: 100, onSegment: () => void (during.length === 0 && during.push(withQueryDb('day', threads))) },
    );
    expect(await Promise.all(during)).toEqual([1]);
    expect(await withQueryDb('day', threads)).toBe(DAY_THREADS);
    await rm(dir, { recursive: true, force: true });
  });

  it('give up on a turn out of memory on a DuckDB opened for it', async () => {
    await withQueryDb('claim', (db) => db.run('CREATE OR REPLACE TABLE marker AS SELECT 1 AS x'));
    let calls = 0;
    await expect(
      withQueryDb('claim', () => {
        calls += 1;
        return Promise.reject(outOfMemory());
      }),
    ).rejects.toThrow(/Out of Memory/);
    expect(calls).toBe(2);
  });
});

describe("the Enedis dataset's checks", () => {
  it("run a day checked alone in a day's turn, not on the worker's DuckDB", async () => {
    const capability = enedis.capabilities.find((c) => c.kind === 'quality-checks');
    const checksDb = capability?.kind === 'quality-checks' ? capability.db : undefined;
    await withQueryDb('claim', (db) => db.run('CREATE OR REPLACE TABLE marker AS SELECT 1 AS x'));
    expect(await checksDb?.(async (db) => (await hasMarker(db)) && threads(db))).toBe(DAY_THREADS);
  });
});
