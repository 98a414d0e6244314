/**
 * `onePerKeySql` keeps the rows a window's `row_number() = 1` keeps: one per key, the first by the
 * order given, a NULL in a key equal to a NULL; keys held once pass as they are.
 */
import { describe, expect, it } from 'vitest';
import { onePerKeySql } from '../../src/duckdb/one-per-key.js';
import { ONE_THREAD, useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-one-per-key-', ONE_THREAD);

/** (a, b) keys: held once, twice, three times, with NULLs; `rank` orders the rows sharing one. */
const ROWS = `SELECT * FROM (VALUES
  ('p1', 'x', 1, 'once'),
  ('p2', 'x', 1, 'low'), ('p2', 'x', 3, 'high'), ('p2', 'x', 2, 'middle'),
  ('p2', 'y', 5, 'other key'),
  ('p3', NULL, 1, 'null low'), ('p3', NULL, 9, 'null high'),
  (NULL, NULL, 4, 'all null'),
  ('p4', 'x', 7, 'first of a tie by rank'), ('p4', 'x', 7, 'second of a tie by rank')
) AS t(a, b, rank, label)`;

async function labels(sql: string): Promise<string[]> {
  const reader = await scratch.connection.runAndReadAll(`SELECT label FROM (${sql}) ORDER BY label`);
  return reader.getRows().map((row) => String(row[0]));
}

describe('one row per key', () => {
  it('keeps the first by the order of each key shared, and every key held once', async () => {
    expect(await labels(onePerKeySql(ROWS, ['a', 'b'], 'rank DESC, label'))).toEqual([
      'all null',
      'first of a tie by rank',
      'high',
      'null high',
      'once',
      'other key',
    ]);
  });

  it('gives what the window over every row gives, keys being expressions too', async () => {
    const key = ['a', "coalesce(b, '?')"];
    const order = 'rank, label DESC';
    const window = `SELECT * FROM (${ROWS}) QUALIFY row_number() OVER (PARTITION BY ${key.join(', ')} ORDER BY ${order}) = 1`;
    expect(await labels(onePerKeySql(ROWS, key, order))).toEqual(await labels(window));
  });
});
