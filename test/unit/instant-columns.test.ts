/** A table's instants and numbers read column by column, as a day's report draws them. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { readInstantColumns } from '../../src/duckdb/read.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const duck = useScratchDuckDb('courant-instant-columns-');

async function parquetOf(name: string, select: string): Promise<string> {
  const file = path.join(duck.dir, `${name}.parquet`);
  await duck.connection.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  return file;
}

describe('readInstantColumns', () => {
  it('gives the instants in UTC milliseconds, ascending, and each column with its nulls in the same order', async () => {
    const file = await parquetOf(
      'day',
      `SELECT * FROM (VALUES
         (TIMESTAMPTZ '2024-10-27 01:00:00+00', 2.5::DOUBLE, NULL::DOUBLE),
         (TIMESTAMPTZ '2024-10-26 22:00:00+00', 1.0::DOUBLE, 10.0::DOUBLE),
         (TIMESTAMPTZ '2024-10-27 00:45:00+00', NULL::DOUBLE, -3.25::DOUBLE)) t(instant, a, b)`,
    );
    const read = await readInstantColumns(duck.connection, file, ['b', 'a']);
    expect(read.instants).toEqual([
      Date.parse('2024-10-26T22:00:00Z'),
      Date.parse('2024-10-27T00:45:00Z'),
      Date.parse('2024-10-27T01:00:00Z'),
    ]);
    expect(read.columns).toEqual({ a: [1, null, 2.5], b: [10, -3.25, null] });
  });

  it('refuses a column that does not hold numbers, naming it', async () => {
    const file = await parquetOf('text', `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS instant, 'x' AS a`);
    const refusal = await readInstantColumns(duck.connection, file, ['a']).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ZodError);
    expect((refusal as ZodError).issues[0]?.path).toEqual(['a', 0]);
  });
});
