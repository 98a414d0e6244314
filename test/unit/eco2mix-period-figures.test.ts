/**
 * A year of eCO2mix figures (an annual report's) under a small DuckDB memory limit: each day's
 * figures are those of the day alone, the months and the year roll them up. The days are the 31
 * real days of December 2021, each written as the transform writes it and laid out again under the
 * 366 dates of 2020 (a day's points take the date of their partition).
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoExports } from '../../src/datasets/eco2mix/demo/sample-exports.js';
import { daysFigures, periodFigures, type DayPartition } from '../../src/datasets/eco2mix/figures-sql.js';
import { ECO2MIX_PARQUET_COLUMNS } from '../../src/datasets/eco2mix/record.js';
import { openDuckDb } from '../../src/duckdb/duckdb.js';
import { writeParquetRows } from '../../src/duckdb/write.js';
import { datesInRange, parisDayBounds } from '../../src/workflow-safe/partition.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const eco2mix = useEco2mixReader('courant-eco2mix-period-figures-');
const scratch = useScratchDuckDb('courant-eco2mix-period-figures-db-');
const YEAR = datesInRange('2020-01-01', '2020-12-31');
let days: DayPartition[] = [];
let small: DuckDBConnection;
let closeSmall: () => void = () => undefined;

beforeAll(async () => {
  const realtime = (await loadDemoExports())['eco2mix-national-tr'] ?? '';
  const december = datesInRange('2021-12-01', '2021-12-31');
  const files: string[] = [];
  for (const date of december) {
    const { records } = await eco2mix.transform(date, [['realtime', realtime]]);
    const file = path.join(scratch.dir, `${date}.parquet`);
    await writeParquetRows(scratch.connection, records, ECO2MIX_PARQUET_COLUMNS, file);
    files.push(file);
  }
  days = await Promise.all(
    YEAR.map(async (date, i) => {
      const file = path.join(scratch.dir, `dt=${date}.parquet`);
      await copyFile(files[i % files.length] ?? '', file);
      return { date, path: file, hours: parisDayBounds(date).hours };
    }),
  );
  const instance = await openDuckDb({ memoryLimit: '32MB', threads: 1, tempDirectory: scratch.dir });
  small = await instance.connect();
  closeSmall = () => {
    small.closeSync();
    instance.closeSync();
  };
});

afterAll(() => closeSmall());

describe('the figures of a year of eCO2mix days', () => {
  it('are computed within 32 MB of DuckDB memory, each day as its own figures give it', async () => {
    const year = await periodFigures(small, days);
    expect([...year.byDay.keys()]).toEqual(YEAR);
    expect(year.byDay).toEqual(await daysFigures(scratch.connection, days));
    expect([...year.byMonth.keys()]).toEqual(
      datesInRange('2020-01-01', '2020-12-31')
        .filter((d) => d.endsWith('-01'))
        .map((d) => d.slice(0, 7)),
    );
    expect(year.total?.days).toBe(366);
    expect(year.total?.points).toBe([...year.byDay.values()].reduce((sum, day) => sum + day.points, 0));
  });

  it('give a month the same bits whether it is read alone or as days of its own', async () => {
    const march = days.filter((d) => d.date.startsWith('2020-03'));
    const alone = await periodFigures(small, march);
    const year = await periodFigures(small, days);
    expect(alone.byMonth.get('2020-03')).toEqual(year.byMonth.get('2020-03'));
    expect(alone.total).toEqual(year.byMonth.get('2020-03'));
  });
});
