/**
 * A flow's values are written grouped by reading date, so that a file delivered in PRM order is
 * kept in day order and each of its days reads only its own row groups: every value is kept
 * whatever its date, the days in order, and dates past the bound share one file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBucketWriter, MAX_BUCKETS } from '../../src/datasets/enedis/day-buckets.js';
import { parsedFile } from '../../src/datasets/enedis/parsed-files.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { r151Days, r151Flow } from '../support/enedis-flows.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const scratch = useScratchDuckDb('courant-enedis-buckets-');

async function linesOf(files: ReadonlyArray<{ readonly path: string }>): Promise<string[][]> {
  return Promise.all(files.map(async (f) => (await readFile(f.path, 'utf8')).split('\n').filter(Boolean)));
}

describe('values grouped by reading date', () => {
  it('writes each date’s lines to a file of its own, in date order, values without a date first', async () => {
    const writer = createBucketWriter(path.join(scratch.dir, 'order'));
    writer.add('2024-05-02', 'a\n');
    writer.add('2024-05-01', 'b\n');
    writer.add('2024-05-02T00:00:00+02:00', 'c\n');
    await writer.flush();
    writer.add(null, 'd\n');
    writer.add('not a date', 'e\n');
    writer.add('2024-05-01', 'f\n');
    const files = await writer.close();
    expect(files.map((f) => f.bucket)).toEqual(['', '2024-05-01', '2024-05-02']);
    expect(await linesOf(files)).toEqual([
      ['d', 'e'],
      ['b', 'f'],
      ['a', 'c'],
    ]);
  });

  it(`shares one last file between the dates past ${MAX_BUCKETS}, and loses no line`, async () => {
    const writer = createBucketWriter(path.join(scratch.dir, 'many'));
    const dates = Array.from({ length: MAX_BUCKETS + 10 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
    );
    for (const date of dates) writer.add(date, `${date}\n`);
    const files = await writer.close();
    expect(files).toHaveLength(MAX_BUCKETS);
    expect((await linesOf(files)).flat()).toEqual(dates);
  });

  it('keeps a file of many days delivered PRM by PRM in day order', async () => {
    const dates = ['2024-05-01', '2024-05-02', '2024-05-03'];
    const readings = ['99000000000901', '99000000000902'].flatMap((prm) =>
      r151Days(prm, dates, { BASE: 1_000_000 }, { BASE: 1_000 }),
    );
    const file = path.join(scratch.dir, 'prm-order.xml');
    await writeFile(file, r151Flow(readings));
    const parsed = await parsedFile(file, 'raw/enedis/x/prm-order.xml', await sha256OfFile(file));
    expect(parsed.manifest.days).toEqual(dates);
    const rows = (
      await scratch.connection.runAndReadAll(
        `SELECT strftime(day, '%Y-%m-%d'), prm FROM read_parquet('${parsed.rows}')`,
      )
    ).getRowsJson();
    expect(rows).toEqual(
      dates.flatMap((date) => [
        [date, '99000000000901'],
        [date, '99000000000902'],
      ]),
    );
  });
});
