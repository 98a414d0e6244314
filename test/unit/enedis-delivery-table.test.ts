/**
 * `deliveries.parquet` of a day of many numbered deliveries, written in the Enedis DuckDB turn
 * (its memory limit): a backlog's day holds hundreds of them, and the table must fit the turn
 * whatever their number.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeliveries, writeDeliveries } from '../../src/datasets/enedis/delivery-table.js';
import { withQueryDb } from '../../src/datasets/enedis/turns.js';
import type { DayFile } from '../../src/datasets/inputs.js';

const DATE = '2024-01-01';
/** More deliveries than a day of a thousand-delivery backlog spread over six days. */
const DELIVERIES = 400;

const fileNamed = (name: string, order: number): DayFile => ({
  source: 'drop',
  key: `raw/enedis/drops/${String(order).padStart(64, '0')}.zip`,
  path: `/nowhere/${order}.zip`,
  sha256: String(order).padStart(64, '0'),
  order,
  options: { fileName: name },
});

const r151Name = (n: number) =>
  `ENEDIS_R151_17X100A100A0001A_GRD-F121_0123456789_${String(n).padStart(5, '0')}_Q_00001_00001_20240102030000.zip`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'enedis-delivery-table-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeDeliveries', () => {
  it('writes a day of hundreds of numbered deliveries within the turn, in delivery order', async () => {
    // Given in the reverse of their numbers, with one file of no number among them.
    const files = Array.from({ length: DELIVERIES }, (_, i) => fileNamed(r151Name(DELIVERIES - 1 - i), i));
    files.push(fileNamed('R151_by_hand.xml', DELIVERIES));
    const target = path.join(dir, 'many.parquet');

    const written = await withQueryDb('day', (db) => writeDeliveries(db, DATE, files, target));
    const read = await withQueryDb('day', (db) => readDeliveries(db, [target]));

    expect(written).toBe(DELIVERIES);
    expect(read.map((d) => d.number)).toEqual(Array.from({ length: DELIVERIES }, (_, i) => i));
    expect(read[0]).toEqual({
      date: DATE,
      name: r151Name(0),
      series: 'R151 0123456789',
      number: 0,
      part: 1,
      parts: 1,
      stamp: '20240102030000',
    });
  });

  it('writes an empty table with its columns when no file is numbered', async () => {
    const target = path.join(dir, 'none.parquet');
    const written = await withQueryDb('day', (db) =>
      writeDeliveries(db, DATE, [fileNamed('R151_by_hand.xml', 0)], target),
    );
    const columns = await withQueryDb('day', async (db) =>
      (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${target}')`)).getRowObjectsJson(),
    );

    expect(written).toBe(0);
    expect(columns.map((c) => [c.column_name, c.column_type])).toEqual([
      ['date', 'VARCHAR'],
      ['file', 'VARCHAR'],
      ['name', 'VARCHAR'],
      ['series', 'VARCHAR'],
      ['number', 'INTEGER'],
      ['part', 'INTEGER'],
      ['parts', 'INTEGER'],
      ['stamp', 'VARCHAR'],
    ]);
  });
});
