/**
 * The smart-meter module on real DuckDB: every shape (the real Kaggle sample, small hand-checked
 * UCI and LCL files, the generic shape), 23- and 25-hour days, files spanning days, the same file
 * twice, corrected files, bad rows and refused files.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { transformSmartMeterFiles } from '../../src/datasets/smartmeter/day-transform.js';
import { smartMeterMetrics } from '../../src/datasets/smartmeter/day-metrics.js';
import type { DayFile } from '../../src/datasets/inputs.js';
import { smartMeterDrop } from '../../src/datasets/smartmeter/drop.js';
import { sqlString } from '../../src/duckdb/columns.js';
import { BadDataError } from '../../src/workflow-safe/errors.js';
import { sha256OfFile } from '../../src/storage/file-hash.js';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { useScratchDuckDb } from '../support/scratch-duckdb.js';

const KAGGLE = path.join('test', 'fixtures', 'smartmeter', 'jaslemkaril_kaggle_ziya07_smart_meter_data.csv');
const config = { stepMinutes: 30, dueHours: null };
const NOW = new Date('2026-11-22T12:00:00Z');

const scratch = useScratchDuckDb('courant-smartmeter-');

let written = 0;
async function fileOf(body: string | Buffer, options: Record<string, string> = {}, order = 0): Promise<DayFile> {
  written += 1;
  const file = path.join(scratch.dir, `in-${written}.csv`);
  await writeFile(file, body);
  return {
    source: 'drop',
    key: `raw/smartmeter/x/in-${written}.csv`,
    path: file,
    sha256: await sha256OfFile(file),
    order,
    options,
  };
}

async function days(file: DayFile): Promise<readonly string[]> {
  return (
    smartMeterDrop.days({
      db: scratch.connection,
      path: file.path,
      file: file.key,
      sha256: file.sha256,
      options: file.options,
      config,
      now: NOW,
    }) ?? []
  );
}

async function runDay(date: string, files: readonly DayFile[]) {
  const out = await mkdtemp(path.join(scratch.dir, 'day-'));
  const tablePath = (table: string) => path.join(out, `${table}.parquet`);
  const rejectsPath = path.join(out, 'rejects.jsonl');
  const result = await transformSmartMeterFiles({
    date,
    config,
    db: scratch.connection,
    files,
    tablePath,
    rejectsPath,
    scratchDir: out,
  });
  const tables = Object.fromEntries(result.tables.map((t) => [t, tablePath(t)]));
  const metrics = await smartMeterMetrics({
    date,
    config,
    db: scratch.connection,
    tables,
    history: () => Promise.resolve([]),
    anomaliesPath: path.join(out, 'anomalies.parquet'),
  });
  const rows = async (table: string, order: string) =>
    (
      await scratch.connection.runAndReadAll(
        `SELECT * FROM read_parquet(${sqlString(tablePath(table))}) ORDER BY ${order}`,
      )
    ).getRowObjectsJson();
  const rejects = (await readFile(rejectsPath, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    result,
    metrics: metrics.document,
    readings: await rows('readings', 'meter_id, ts'),
    meters: await rows('meter_daily', 'meter_id'),
    rejects,
  };
}

/** The Kaggle file read independently: UTC instants and kWh, line by line. */
async function kaggleReadings(): Promise<Array<{ at: number; kwh: number }>> {
  const lines = (await readFile(KAGGLE, 'utf8')).trim().split('\n').slice(1);
  return lines.map((line) => {
    const [ts = '', kwh = ''] = line.split(',');
    return { at: Date.parse(`${ts.replace(' ', 'T')}Z`), kwh: Number(kwh) };
  });
}

describe('the Kaggle smart-meter sample (naive UTC, one meter)', () => {
  it('covers the 105 Paris days from 2024-01-01 to 2024-04-14', async () => {
    const covered = await days(await fileOf(await readFile(KAGGLE), { fileName: 'kaggle.csv' }));
    expect(covered).toHaveLength(105);
    expect(covered[0]).toBe('2024-01-01');
    expect(covered.at(-1)).toBe('2024-04-14');
  });

  it('gives the 23-hour day 2024-03-31 its 46 half-hours, with metrics equal to an independent computation', async () => {
    const file = await fileOf(await readFile(KAGGLE), { meterId: 'kaggle-1' });
    const day = await runDay('2024-03-31', [file]);
    const { start, end } = parisDayBounds('2024-03-31');
    const expected = (await kaggleReadings()).filter((r) => r.at >= start.getTime() && r.at < end.getTime());
    expect(expected).toHaveLength(46);
    expect(day.metrics).toMatchObject({
      dataset: 'smartmeter',
      date: '2024-03-31',
      timezone: 'Europe/Paris',
      meters: 1,
      readings: 46,
      expectedReadings: 46,
      completeness: 1,
      stepMinutes: 30,
    });
    expect(day.metrics.energyKWh).toBeCloseTo(
      expected.reduce((s, r) => s + r.kwh, 0),
      6,
    );
    expect(day.meters).toEqual([
      expect.objectContaining({ meter_id: 'kaggle-1', readings: 46, expected_readings: 46, gaps: 0, duplicates: 0 }),
    ]);
    expect(day.readings[0]).toMatchObject({
      meter_id: 'kaggle-1',
      line: expect.any(Number) as unknown,
      file: file.key,
      label: 'Normal',
    });
    expect(day.result.rows).toMatchObject({ read: 5000, written: 46, rejected: 0 });
  });

  it('keeps a partial first day partial: 2024-01-01 misses its first Paris hour', async () => {
    const day = await runDay('2024-01-01', [await fileOf(await readFile(KAGGLE), { fileName: 'kaggle.csv' })]);
    expect(day.metrics).toMatchObject({ readings: 46, expectedReadings: 48, metersWithGaps: 1 });
    expect(day.meters[0]).toMatchObject({ meter_id: 'kaggle', gaps: 2 });
  });
});

describe('UCI household files (Paris local time, minute mean kW)', () => {
  const UCI =
    'Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1;Sub_metering_2;Sub_metering_3\n' +
    '16/12/2006;17:24:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000\n' +
    '16/12/2006;17:25:00;5.360;0.436;233.630;23.000;0.000;1.000;16.000\n' +
    '16/12/2006;17:26:00;?;?;?;?;?;?;\n';

  it('turns kW into kWh over one minute and rejects `?` with its line', async () => {
    const day = await runDay('2006-12-16', [await fileOf(UCI, { meterId: 'house-1' })]);
    expect(day.readings.map((r) => [r.meter_id, r.kwh])).toEqual([
      ['house-1', 4.216 / 60],
      ['house-1', 5.36 / 60],
    ]);
    expect(day.metrics).toMatchObject({ readings: 2, expectedReadings: 1440, stepMinutes: 1 });
    expect(day.rejects).toEqual([
      expect.objectContaining({ line: 4, column: 'kwh', value: '?', reason: 'kwh is missing' }),
    ]);
    expect(new Date(String(day.readings[0]?.ts as string)).toISOString()).toBe('2006-12-16T16:24:00.000Z');
  });
});

describe('London LCL files', () => {
  const LCL =
    'LCLid,stdorToU,DateTime,KWH/hh (per half hour) \n' +
    'MAC000002,Std,2012-10-12 00:30:00.0000000, 0.5 \n' +
    'MAC000002,Std,2012-10-12 00:30:00.0000000, 0.5 \n' +
    'MAC000002,Std,2012-10-12 01:00:00.0000000,Null\n' +
    'MAC000003,Std,2012-10-12 01:00:00.0000000, 1.25 \n';

  it('reads padded values, rejects Null, and counts an exact duplicate once', async () => {
    const day = await runDay('2012-10-12', [await fileOf(LCL)]);
    expect(day.readings.map((r) => [r.meter_id, r.kwh])).toEqual([
      ['MAC000002', 0.5],
      ['MAC000003', 1.25],
    ]);
    expect(day.meters.map((m) => [m.meter_id, m.duplicates])).toEqual([
      ['MAC000002', 1],
      ['MAC000003', 0],
    ]);
    expect(day.rejects).toEqual([expect.objectContaining({ line: 4, column: 'kwh', value: 'Null' })]);
    expect(day.metrics).toMatchObject({ meters: 2, readings: 2, duplicates: 1, expectedReadings: 96 });
  });
});

describe('generic files (meter_id,timestamp,kwh)', () => {
  /** Every half-hour of the Paris day as naive local times, the October hour written twice. */
  function octoberNight(): string {
    const lines = ['meter_id,timestamp,kwh'];
    for (let h = 0; h < 24; h += 1) {
      for (const m of ['00', '30']) {
        const t = `2024-10-27 ${String(h).padStart(2, '0')}:${m}:00`;
        lines.push(`m1,${t},1`);
        if (h === 2) lines.push(`m1,${t},2`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  it('gives the 25-hour day 2024-10-27 its 50 half-hours: the repeated hour once in summer time, once in winter time', async () => {
    const day = await runDay('2024-10-27', [await fileOf(octoberNight())]);
    expect(day.metrics).toMatchObject({
      readings: 50,
      expectedReadings: 50,
      completeness: 1,
      duplicates: 0,
      energyKWh: 52,
    });
    const night = day.readings.filter(
      (r) => String(r.ts as string).startsWith('2024-10-27 00') || String(r.ts as string).startsWith('2024-10-27 01'),
    );
    expect(night.map((r) => [new Date(String(r.ts as string)).toISOString().slice(11, 16), r.kwh])).toEqual([
      ['00:00', 1],
      ['00:30', 1],
      ['01:00', 2],
      ['01:30', 2],
    ]);
  });

  it('rejects a time the March clocks skip, a negative value, an off-grid time and a reading before 2000, each with its line', async () => {
    const body =
      'meter_id;timestamp;kwh\n' +
      'm1;2024-03-31 02:30:00;1\n' +
      'm1;2024-03-31 04:00:00;-1\n' +
      'm1;2024-03-31 04:10:00;1\n' +
      '\n' +
      'm1;1999-12-31T12:00:00Z;1\n' +
      'm1;2024-03-31T05:00:00+02:00;3\n';
    const day = await runDay('2024-03-31', [await fileOf(body)]);
    expect(day.rejects.map((r) => [r.line, r.column, r.reason])).toEqual([
      [2, 'timestamp', 'timestamp does not exist in Paris (the hour the clocks skip in March)'],
      [3, 'kwh', 'kwh is negative'],
      [4, 'timestamp', 'timestamp is not on the 30-minute grid'],
      [6, 'timestamp', 'timestamp is before 2000'],
    ]);
    expect(day.readings.map((r) => r.kwh)).toEqual([3]);
    expect(day.result.rows).toEqual({ read: 5, written: 1, rejected: 4 });
  });

  it('covers each day of a file spanning three days', async () => {
    const body =
      'meter_id,timestamp,kwh\nm1,2024-05-01T21:30:00Z,1\nm1,2024-05-02T12:00:00Z,1\nm1,2024-05-03T22:00:00Z,1\n';
    expect(await days(await fileOf(body))).toEqual(['2024-05-01', '2024-05-02', '2024-05-04']);
  });

  it('does not count the same file twice, and lets a corrected file win for what it corrects', async () => {
    const body = 'meter_id,timestamp,kwh\nm1,2024-05-02T10:00:00Z,1\nm1,2024-05-02T10:30:00Z,2\n';
    const twice = await runDay('2024-05-02', [await fileOf(body, {}, 0), await fileOf(body, {}, 1)]);
    expect(twice.metrics).toMatchObject({ readings: 2, energyKWh: 3, duplicates: 0 });
    const corrected = await runDay('2024-05-02', [
      await fileOf(body, {}, 0),
      await fileOf('meter_id,timestamp,kwh\nm1,2024-05-02T10:30:00Z,5\n', {}, 1),
    ]);
    expect(corrected.readings.map((r) => r.kwh)).toEqual([1, 5]);
    expect(corrected.metrics).toMatchObject({ readings: 2, energyKWh: 6 });
  });

  it('counts a reading repeated within a file once, though a later file sends it again, and keeps the later line', async () => {
    const repeated = 'meter_id,timestamp,kwh\nm1,2024-05-02T10:00:00Z,1\nm1,2024-05-02T10:00:00Z,2\n';
    const later = await fileOf('meter_id,timestamp,kwh\nm1,2024-05-02T09:30:00Z,4\nm1,2024-05-02T10:00:00Z,3\n', {}, 1);
    const day = await runDay('2024-05-02', [await fileOf(repeated, {}, 0), later]);
    expect(day.readings.map((r) => [r.kwh, r.file, r.line])).toEqual([
      [4, later.key, 2],
      [3, later.key, 3],
    ]);
    expect(day.metrics).toMatchObject({ readings: 2, energyKWh: 7, duplicates: 1 });
  });

  it('leaves out readings after the end of tomorrow', async () => {
    const body = 'meter_id,timestamp,kwh\nm1,2026-11-23T10:00:00Z,1\nm1,2026-11-25T10:00:00Z,1\n';
    expect(await days(await fileOf(body))).toEqual(['2026-11-23']);
  });
});

describe('files no day can take', () => {
  it('refuses a header of no known shape, naming the shapes courant reads', async () => {
    await expect(days(await fileOf('when,how much\n2024-01-01,1\n'))).rejects.toThrow(
      /shapes courant reads are: meter_id,timestamp,kwh/,
    );
  });

  it('refuses an empty file, a header without rows, a binary file and UTF-16 text, naming the file', async () => {
    const refused = async (body: string | Buffer) => {
      const file = await fileOf(body);
      const error = await days(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadDataError);
      expect((error as BadDataError).message).toContain(file.key);
      return (error as BadDataError).message;
    };
    expect(await refused('')).toMatch(/empty/);
    expect(await refused('meter_id,timestamp,kwh\n')).toMatch(/a header and no reading/);
    expect(await refused(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00]))).toMatch(/binary/);
    expect(await refused(Buffer.from('\ufeffmeter_id,timestamp,kwh\n', 'utf16le'))).toMatch(/UTF-16/);
  });
});

describe('a file of many days', () => {
  const MANY =
    'meter_id,timestamp,kwh\n' +
    'm1,2024-05-01T10:00:00Z,1\n' +
    'm1,2024-05-02T10:00:00Z,2\n' +
    'm2,2024-05-03T10:00:00Z,3\n' +
    'm2,2024-05-03T10:30:00Z,x\n';
  const DATES = ['2024-05-01', '2024-05-02', '2024-05-03'];

  /** Removes the parse cache's entries of a file's bytes, as a worker that never saw them would have none. */
  async function forget(file: DayFile): Promise<number> {
    const dir = path.join(os.tmpdir(), 'courant-parsed', 'smartmeter');
    const entries = (await readdir(dir).catch(() => [])).filter((name) => name.startsWith(file.sha256));
    await Promise.all(entries.map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
    return entries.length;
  }

  it('is read at its claim: its days read the kept rows, not the file', async () => {
    const file = await fileOf(MANY);
    expect(await days(file)).toEqual(DATES);
    // The same bytes as far as the days know (their sha256), but no longer a smart-meter file.
    await writeFile(file.path, 'not a smart-meter file any more');
    const kept = [];
    for (const date of DATES) {
      const day = await runDay(date, [file]);
      expect(day.result.rows).toEqual({ read: 4, written: 1, rejected: 1 });
      expect(day.rejects).toEqual([
        { file: file.key, line: 5, column: 'kwh', value: 'x', reason: 'kwh is not a number' },
      ]);
      kept.push(...day.readings.map((r) => [r.meter_id, r.kwh, r.line]));
    }
    expect(kept).toEqual([
      ['m1', 1, 2],
      ['m1', 2, 3],
      ['m2', 3, 4],
    ]);
  });

  it('is read again by a day when no claim kept it, giving the same tables', async () => {
    const file = await fileOf(MANY.replaceAll('m1', 'm7'));
    await forget(file);
    const first = await runDay('2024-05-01', [file]);
    expect(await forget(file)).toBe(1);
    expect(await runDay('2024-05-01', [file])).toEqual(first);
    expect(first.readings).toEqual([expect.objectContaining({ meter_id: 'm7', kwh: 1 })]);
  });

  it('is read apart for another meter: the same bytes dropped with another meter id', async () => {
    const body = 'Timestamp,Electricity_Consumed,Anomaly_Label\n2024-05-01 10:00:00,0.5,Normal\n';
    const a = await fileOf(body, { meterId: 'house-a' });
    const b = await fileOf(body, { meterId: 'house-b' });
    expect(b.sha256).toBe(a.sha256);
    expect((await runDay('2024-05-01', [a])).readings.map((r) => r.meter_id)).toEqual(['house-a']);
    expect((await runDay('2024-05-01', [b])).readings.map((r) => r.meter_id)).toEqual(['house-b']);
  });
});
