import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalSmartMeterColumn } from '../../src/datasets/smartmeter/columns.js';
import { parseSmartMeterHeader, readSmartMeterHeader } from '../../src/datasets/smartmeter/header.js';
import { badDataFrom } from '../support/bad-data.js';

const FILE = 'raw/smartmeter/dt=2024-03-14/readings.csv';

describe('smart-meter header labels', () => {
  it('recognises common spellings of the three columns', () => {
    expect(canonicalSmartMeterColumn('Meter ID')).toBe('meter_id');
    expect(canonicalSmartMeterColumn('PRM')).toBe('meter_id');
    expect(canonicalSmartMeterColumn('DateTime')).toBe('timestamp');
    expect(canonicalSmartMeterColumn('Consumption (kWh)')).toBe('kwh');
    expect(canonicalSmartMeterColumn('Energy (kWh)')).toBe('kwh');
    expect(canonicalSmartMeterColumn('KWH')).toBe('kwh');
    expect(canonicalSmartMeterColumn('Temperature')).toBeNull();
  });
});

describe('parseSmartMeterHeader', () => {
  it('maps the columns by name, in any order, ignoring the others', () => {
    const header = parseSmartMeterHeader('quality,kWh,"timestamp",meter_id', FILE);
    expect(header).toEqual({ delimiter: ',', width: 4, indexOf: { kwh: 1, timestamp: 2, meter_id: 3 } });
  });

  it('detects semicolons and tabs', () => {
    expect(parseSmartMeterHeader('meter_id;timestamp;kwh', FILE).delimiter).toBe(';');
    expect(parseSmartMeterHeader('meter_id\ttimestamp\tkwh', FILE).delimiter).toBe('\t');
  });

  it('refuses a header without a required column, naming every missing one', () => {
    const error = badDataFrom(() => parseSmartMeterHeader('meter_id,value', FILE));
    expect(error.location).toEqual({ file: FILE, line: 1, column: 'timestamp' });
    expect(error.message).toMatch(/lacks required columns timestamp, kwh/);
  });

  it('says what it found when no column is known', () => {
    const html = badDataFrom(() => parseSmartMeterHeader('<!DOCTYPE html><html>', FILE));
    expect(html.location).toEqual({ file: FILE, line: 1 });
    expect(html.message).toMatch(/expected a CSV header with meter_id, timestamp, kwh, found an HTML page/);
    const text = badDataFrom(() => parseSmartMeterHeader('Date,Electricity_Consumed,Temperature', FILE));
    expect(text.message).toMatch(/found "Date,Electricity_Consumed,Temperature"/);
  });

  it('refuses a column named twice under two spellings', () => {
    const error = badDataFrom(() => parseSmartMeterHeader('meter_id,timestamp,kwh,energy_kwh', FILE));
    expect(error.location.column).toBe('kwh');
    expect(error.message).toMatch(/names column kwh twice/);
  });
});

describe('readSmartMeterHeader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'courant-smartmeter-header-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the first line of a file, skipping a BOM and a carriage return', async () => {
    const csv = path.join(dir, 'bom.csv');
    await writeFile(csv, '\uFEFFmeter_id;timestamp;kwh\r\nm1;2024-03-14T00:00:00+01:00;1\r\n');
    expect(await readSmartMeterHeader(csv, FILE)).toEqual({
      delimiter: ';',
      width: 3,
      indexOf: { meter_id: 0, timestamp: 1, kwh: 2 },
    });
  });

  it('refuses a header that is not UTF-8', async () => {
    const csv = path.join(dir, 'latin1.csv');
    await writeFile(csv, Buffer.from([0x6d, 0xe8, 0x74, 0x72, 0x65, 0x2c, 0x6b, 0x77, 0x68, 0x0a]));
    await expect(readSmartMeterHeader(csv, FILE)).rejects.toThrow(/line 1: expected UTF-8 text/);
  });

  it('refuses an empty file', async () => {
    const csv = path.join(dir, 'empty.csv');
    await writeFile(csv, '');
    await expect(readSmartMeterHeader(csv, FILE)).rejects.toThrow(/the file is empty/);
  });
});
