/**
 * Equal rows give byte-identical Parquet on every write, in the order given, on the worker's DuckDB
 * settings (insertion order not kept, two threads): large enough for several row groups, which a
 * parallel write would interleave differently from one run to the next.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { sqlString } from '../../src/duckdb/columns.js';
import { writeParquetRows } from '../../src/duckdb/write.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-parquet-reproducible-');
const ROWS = 600_000;

function* rows(): Generator<Record<string, unknown>> {
  for (let i = 0; i < ROWS; i += 1) yield { i, x: Math.sin(i) * 1e6 };
}

describe('Parquet written by courant', () => {
  it('is byte-identical over 5 writes of the same rows, and keeps their order', async () => {
    const target = path.join(scratch.dir, 'rows.parquet');
    const hashes = new Set<string>();
    for (let run = 0; run < 5; run += 1) {
      const written = await writeParquetRows(
        scratch.connection,
        rows(),
        [
          { name: 'i', type: 'BIGINT' },
          { name: 'x', type: 'DOUBLE' },
        ],
        target,
      );
      expect(written).toBe(ROWS);
      hashes.add(
        createHash('sha256')
          .update(await readFile(target))
          .digest('hex'),
      );
    }
    expect(hashes.size).toBe(1);

    const reader = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await reader.connect();
    try {
      const misplaced = await connection.runAndReadAll(
        `SELECT count(*) FILTER (WHERE i <> position - 1)::INTEGER AS misplaced, count(*)::INTEGER AS total
         FROM (SELECT i, row_number() OVER () AS position FROM read_parquet(${sqlString(target)}))`,
      );
      expect(misplaced.getRowObjectsJson()).toEqual([{ misplaced: 0, total: ROWS }]);
    } finally {
      connection.closeSync();
      reader.closeSync();
    }
  });
});
