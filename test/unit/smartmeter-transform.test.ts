import type { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMARTMETER_METER_DAILY_COLUMNS, SMARTMETER_READING_COLUMNS } from '../../src/datasets/smartmeter/columns.js';
import {
  smartMeterMetricsSchema,
  transformSmartMeterDay,
  type SmartMeterDayInput,
  type SmartMeterStep,
} from '../../src/datasets/smartmeter/transform.js';
import { openDuckDb } from '../../src/parquet/duckdb.js';
import { readParquetFile } from '../../src/parquet/read.js';
import { parisDayBounds } from '../../src/shared/partition.js';

const FILE = 'raw/smartmeter/dt=2024-03-14/readings.csv';
/** 2024-03-14 in Paris: [2024-03-13T23:00Z, 2024-03-14T23:00Z), 48 half-hours. */
const DATE = '2024-03-14';

let db: DuckDBInstance;
let dir: string;
let runs = 0;

beforeAll(async () => {
  db = await openDuckDb();
  dir = await mkdtemp(path.join(os.tmpdir(), 'courant-smartmeter-'));
});

afterAll(async () => {
  db.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function transform(csv: string | Buffer, options: { date?: string; stepMinutes?: SmartMeterStep } = {}) {
  runs += 1;
  const base = path.join(dir, `run${runs}`);
  const input: SmartMeterDayInput = {
    date: options.date ?? DATE,
    csvPath: `${base}.csv`,
    file: FILE,
    targets: { readings: `${base}.parquet`, meterDaily: `${base}.meters.parquet`, rejects: `${base}.rejects.jsonl` },
    ...(options.stepMinutes ? { stepMinutes: options.stepMinutes } : {}),
  };
  await writeFile(input.csvPath, csv);
  const output = await transformSmartMeterDay(db, input);
  const rejectsText = await readFile(input.targets.rejects, 'utf8');
  return {
    ...output,
    input,
    rejects:
      rejectsText === ''
        ? []
        : rejectsText
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as unknown),
    readings: async () =>
      (await readParquetFile(db, input.targets.readings, SMARTMETER_READING_COLUMNS)).sort((a, b) =>
        `${String(a.meter_id)}${String(a.instant)}`.localeCompare(`${String(b.meter_id)}${String(b.instant)}`),
      ),
    /** Per-meter rows, counts as numbers (the reader gives BIGINTs as strings). */
    meters: async () =>
      (await readParquetFile(db, input.targets.meterDaily, SMARTMETER_METER_DAILY_COLUMNS, 'meter_id')).map((row) => ({
        ...row,
        readings: Number(row.readings),
        intervals: Number(row.intervals),
        missing_intervals: Number(row.missing_intervals),
        duplicate_readings: Number(row.duplicate_readings),
      })),
  };
}

/** The `n`-th half-hour of a Paris day as written by a feed in UTC. */
function halfHour(date: string, n: number): string {
  return new Date(parisDayBounds(date).start.getTime() + n * 1_800_000).toISOString().replace('.000Z', 'Z');
}

describe("the worker's DuckDB", () => {
  it('keeps no cache of the files it reads, so that its memory does not grow with them', async () => {
    const connection = await db.connect();
    try {
      const rows = (
        await connection.runAndReadAll(`SELECT value FROM duckdb_settings() WHERE name = 'enable_external_file_cache'`)
      ).getRows();
      expect(rows).toEqual([['false']]);
    } finally {
      connection.closeSync();
    }
  });
});

describe('transformSmartMeterDay on a clean file', () => {
  it('keeps every reading, rejects nothing and computes the per-meter and daily figures', async () => {
    const lines = ['meter_id,timestamp,kwh'];
    for (let n = 0; n < 48; n += 1) lines.push(`A,${halfHour(DATE, n)},0.5`);
    for (let n = 0; n < 40; n += 1) lines.push(`B,${halfHour(DATE, n)},${n === 7 ? '2.25' : '0.25'}`);
    lines.push(`B,${halfHour(DATE, 3)},0.25`);
    const result = await transform(`${lines.join('\n')}\n`);

    expect(result.rows).toEqual({ read: 89, written: 89, rejected: 0 });
    expect(result.rejects).toEqual([]);
    expect(smartMeterMetricsSchema.parse(result.metrics)).toEqual({
      dataset: 'smartmeter',
      date: DATE,
      timezone: 'Europe/Paris',
      stepMinutes: 30,
      expectedIntervalsPerMeter: 48,
      meters: 2,
      readings: 89,
      totalKWh: 24 + 2.25 + 40 * 0.25,
      meanKWhPerMeter: (24 + 2.25 + 40 * 0.25) / 2,
      presentIntervals: 88,
      missingIntervals: 8,
      completeness: 88 / 96,
      metersWithGaps: 1,
      duplicateReadings: 1,
      peakReading: { meterId: 'B', kWh: 2.25, at: `${halfHour(DATE, 7).slice(0, 19)}.000Z` },
    });
    expect(await result.meters()).toEqual([
      {
        meter_id: 'A',
        readings: 48,
        intervals: 48,
        missing_intervals: 0,
        duplicate_readings: 0,
        total_kwh: 24,
        peak_kwh: 0.5,
        peak_at: '2024-03-13T23:00:00.000Z',
      },
      {
        meter_id: 'B',
        readings: 41,
        intervals: 40,
        missing_intervals: 8,
        duplicate_readings: 1,
        total_kwh: 12.25,
        peak_kwh: 2.25,
        peak_at: '2024-03-14T02:30:00.000Z',
      },
    ]);
  });

  it('converts offsets to UTC instants, unquotes fields and trims meter ids', async () => {
    const csv = [
      'kWh;Meter ID;Timestamp',
      '1.5;"m""1";2024-03-14T00:00:00+01:00',
      ' 2 ;  m2 ;"2024-03-14T01:30:00+0100"',
      '"3";m3;2024-03-14T00:30:00.000Z',
    ].join('\r\n');
    const result = await transform(csv);
    expect(result.rows).toEqual({ read: 3, written: 3, rejected: 0 });
    expect(await result.readings()).toEqual([
      { meter_id: 'm"1', instant: '2024-03-13T23:00:00.000Z', kwh: 1.5 },
      { meter_id: 'm2', instant: '2024-03-14T00:30:00.000Z', kwh: 2 },
      { meter_id: 'm3', instant: '2024-03-14T00:30:00.000Z', kwh: 3 },
    ]);
  });

  it('gives the same figures when run again', async () => {
    const lines = ['meter_id,timestamp,kwh'];
    for (let m = 0; m < 300; m += 1) for (let n = 0; n < 48; n += 2) lines.push(`M${m},${halfHour(DATE, n)},1.0`);
    const csv = `${lines.join('\n')}\n`;
    const first = await transform(csv);
    const second = await transform(csv);
    expect(second.metrics).toEqual(first.metrics);
    expect(await second.meters()).toEqual(await first.meters());
    expect(first.metrics.peakReading).toEqual({ meterId: 'M0', kWh: 1, at: '2024-03-13T23:00:00.000Z' });
  });
});

describe('transformSmartMeterDay on rows it cannot keep', () => {
  it('rejects each bad row with its line, column, value and reason, and keeps the others', async () => {
    const csv = [
      'meter_id,timestamp,kwh', //                                   1
      'm1,2024-03-13T23:00:00Z,1.5', //                              2
      '', //                                                         3 blank: not a row
      'm2,yesterday,1', //                                           4
      '"m,3",2024-03-13T23:30:00Z,1', //                             5 the quoted comma splits
      'm4,2024-03-13T23:30:00Z,NaN', //                              6
      ',2024-03-13T23:30:00Z,1', //                                  7
      'm5,2024-03-14T10:00:00,1', //                                 8 no offset
      'm5,2024-03-14T10:10:00Z,1', //                                9 off the grid
      'm5,2024-03-14T23:00:00Z,1', //                               10 next Paris day
      'm5,2024-03-14T10:00:00Z,-0.1', //                            11
      'm5,2024-03-14T10:00:00Z,', //                                12
      'm5,2024-03-14T10:00:00Z,1,5', //                             13
      'm5,2024-03-14T10:00:00Z,1e400', //                           14
      'm5,2024-03-14T10:00:00Z,abc', //                             15
      'm6,,1', //                                                   16
      'm6,2024-03-14T22:30:00Z,0', //                               17
    ].join('\n');
    const result = await transform(csv);
    expect(result.rejects).toEqual([
      {
        file: FILE,
        line: 4,
        column: 'timestamp',
        value: 'yesterday',
        reason: 'timestamp is not an ISO-8601 date and time',
      },
      {
        file: FILE,
        line: 5,
        value: '"m,3",2024-03-13T23:30:00Z,1',
        reason: 'expected 3 fields like the header, found more than 3',
      },
      { file: FILE, line: 6, column: 'kwh', value: 'NaN', reason: 'kwh is not a finite number' },
      { file: FILE, line: 7, column: 'meter_id', value: '', reason: 'meter_id is empty' },
      {
        file: FILE,
        line: 8,
        column: 'timestamp',
        value: '2024-03-14T10:00:00',
        reason: 'timestamp has no UTC offset (write Z or ±hh:mm)',
      },
      {
        file: FILE,
        line: 9,
        column: 'timestamp',
        value: '2024-03-14T10:10:00Z',
        reason: 'timestamp is not on the 30-minute grid',
      },
      {
        file: FILE,
        line: 10,
        column: 'timestamp',
        value: '2024-03-14T23:00:00Z',
        reason: 'timestamp is outside the Paris day 2024-03-14',
      },
      { file: FILE, line: 11, column: 'kwh', value: '-0.1', reason: 'kwh is negative' },
      { file: FILE, line: 12, column: 'kwh', value: '', reason: 'kwh is empty' },
      {
        file: FILE,
        line: 13,
        value: 'm5,2024-03-14T10:00:00Z,1,5',
        reason: 'expected 3 fields like the header, found more than 3',
      },
      { file: FILE, line: 14, column: 'kwh', value: '1e400', reason: 'kwh is not a finite number' },
      { file: FILE, line: 15, column: 'kwh', value: 'abc', reason: 'kwh is not a number' },
      { file: FILE, line: 16, column: 'timestamp', value: '', reason: 'timestamp is empty' },
    ]);
    expect(result.rows).toEqual({ read: 15, written: 2, rejected: 13 });
    expect((await result.readings()).map((r) => r.meter_id)).toEqual(['m1', 'm6']);
  });

  it('counts lines exactly in a CRLF file, blank lines included', async () => {
    const csv = 'meter_id,timestamp,kwh\r\n\r\nm1,2024-03-13T23:00:00Z,1\r\n\r\n\r\nm1,x,1\r\n';
    const result = await transform(csv);
    expect(result.rejects).toEqual([
      { file: FILE, line: 6, column: 'timestamp', value: 'x', reason: 'timestamp is not an ISO-8601 date and time' },
    ]);
    expect(result.rows).toEqual({ read: 2, written: 1, rejected: 1 });
  });

  it('names the line of a bad row deep in a large file read in parallel', async () => {
    const stamps = Array.from({ length: 48 }, (_, n) => halfHour(DATE, n));
    const lines = ['meter_id,timestamp,kwh'];
    for (let m = 0; m < 6_000; m += 1) for (const stamp of stamps) lines.push(`M${m},${stamp},0.1`);
    lines[250_001] = 'M9,2024-03-14T10:00:00Z,-1';
    const result = await transform(`${lines.join('\n')}\n`);
    expect(result.rows).toEqual({ read: 288_000, written: 287_999, rejected: 1 });
    expect(result.rejects).toEqual([
      { file: FILE, line: 250_002, column: 'kwh', value: '-1', reason: 'kwh is negative' },
    ]);
  });

  it('reads a file whose line ends are mixed, line by line', async () => {
    const csv = 'meter_id,timestamp,kwh\nm1,2024-03-13T23:00:00Z,1\n\r\nm2,2024-03-13T23:00:00Z,2\nm3,bad,3\n';
    const result = await transform(csv);
    expect(result.rows.written).toBe(2);
    expect(result.rejects).toMatchObject([{ column: 'timestamp', value: 'bad' }]);
  });

  it('fails the file, naming the line, when it is not UTF-8', async () => {
    const csv = Buffer.concat([
      Buffer.from('meter_id,timestamp,kwh\nm1,2024-03-13T23:00:00Z,1\n'),
      Buffer.from([0x6d, 0xe9, 0x2c, 0x78, 0x2c, 0x31, 0x0a]),
    ]);
    await expect(transform(csv)).rejects.toThrow(`${FILE}, line 3: expected UTF-8 text`);
  });

  it('gives zero meters for a file with a header and no usable row', async () => {
    const result = await transform('meter_id,timestamp,kwh\nm1,x,1\n');
    expect(result.rows).toEqual({ read: 1, written: 0, rejected: 1 });
    expect(result.metrics).toMatchObject({
      meters: 0,
      readings: 0,
      totalKWh: null,
      completeness: null,
      peakReading: null,
    });
  });
});

describe('transformSmartMeterDay on short and long days', () => {
  it('expects 46 half-hours on 2024-03-31 and 50 on 2024-10-27', async () => {
    for (const [date, expected] of [
      ['2024-03-31', 46],
      ['2024-10-27', 50],
    ] as const) {
      const lines = ['meter_id,timestamp,kwh'];
      for (let n = 0; n < expected; n += 1) lines.push(`A,${halfHour(date, n)},1`);
      const result = await transform(`${lines.join('\n')}\n`, { date });
      expect(result.metrics).toMatchObject({ expectedIntervalsPerMeter: expected, presentIntervals: expected });
      expect(result.metrics.completeness).toBe(1);
    }
  });

  it('counts the 100 quarter-hours of 2024-10-27 for a 15-minute meter', async () => {
    const start = parisDayBounds('2024-10-27').start.getTime();
    const lines = ['meter_id,timestamp,kwh'];
    for (let n = 0; n < 100; n += 1) lines.push(`Q,${new Date(start + n * 900_000).toISOString()},0.1`);
    const result = await transform(`${lines.join('\n')}\n`, { date: '2024-10-27', stepMinutes: 15 });
    expect(result.metrics).toMatchObject({
      expectedIntervalsPerMeter: 100,
      presentIntervals: 100,
      missingIntervals: 0,
    });
  });
});
