import { beforeAll, describe, expect, it } from 'vitest';
import type { Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import {
  apiRecordsToExportCsv,
  ECO2MIX_FIXTURE_FILES,
  loadSampleRecords,
  readEco2mixFixture,
} from '../support/eco2mix-fixtures.js';
import { useEco2mixReader, type ReadExport } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-parse-samples-');

function at(records: Eco2mixRecord[], instant: string): Eco2mixRecord {
  const found = records.find((record) => record.instant === instant);
  if (found === undefined) throw new Error(`no record at ${instant}`);
  return found;
}

describe('parsing the API export of the 2025-08-22 real-time records', () => {
  const csv = apiRecordsToExportCsv(loadSampleRecords());
  let result: ReadExport;
  beforeAll(async () => {
    result = await eco2mix.read(csv, { file: 'raw/eco2mix/dt=2025-08-22/realtime.csv', source: 'realtime' });
  });

  it('keeps all 96 rows and rejects none', () => {
    expect(result.rowsRead).toBe(96);
    expect(result.records).toHaveLength(96);
    expect(result.rejects).toEqual([]);
  });

  it('reads the values of the 00:45Z row as the JSON gives them, string-typed columns included', () => {
    const row = at(result.records, '2025-08-22T00:45:00.000Z');
    expect(row).toMatchObject({
      source: 'realtime',
      nature: 'Données temps réel',
      consommation: 34272,
      prevision_j1: 34650,
      prevision_j: 34650,
      nucleaire: 40262,
      pompage: -1114,
      ech_physiques: -14588,
      taux_co2: 14,
      eolien_terrestre: 4444,
      eolien_offshore: 364,
      stockage_batterie: -13,
      destockage_batterie: 0,
    });
  });

  it('gives instants in UTC from first to last quarter-hour of the UTC day', () => {
    const instants = result.records.map((record) => record.instant);
    expect(instants[0]).toBe('2025-08-22T00:00:00.000Z');
    expect(instants.at(-1)).toBe('2025-08-22T23:45:00.000Z');
    expect(new Set(instants).size).toBe(96);
  });

  it('parses the same body given as bytes', async () => {
    const fromBytes = await eco2mix.read(new TextEncoder().encode(csv), { file: 'f.csv', source: 'realtime' });
    expect(fromBytes.records).toEqual(result.records);
  });
});

describe('parsing the December 2021 label export (Date - Heure, CRLF, no BOM, +01:00 offsets)', () => {
  const text = readEco2mixFixture(ECO2MIX_FIXTURE_FILES.labels2021);
  let result: ReadExport;
  beforeAll(async () => {
    result = await eco2mix.read(text, { file: 'labels-2021.csv', source: 'realtime' });
  });

  it('keeps all 2976 rows, 31 days of 96 quarter-hours', () => {
    expect(result.rowsRead).toBe(2976);
    expect(result.records).toHaveLength(2976);
    expect(result.rejects).toEqual([]);
  });

  it('converts the first row (line 2, 2021-12-11T10:00:00+01:00) to UTC and reads its labelled columns', () => {
    expect(result.records[0]).toMatchObject({
      instant: '2021-12-11T09:00:00.000Z',
      nature: 'Données temps réel',
      consommation: 70139,
      prevision_j1: 69300,
      prevision_j: 70000,
      fioul: 186,
      charbon: 1069,
      gaz: 7147,
      nucleaire: 42938,
      pompage: -42,
      ech_physiques: 5505,
      taux_co2: 73,
    });
  });

  it('reads the columns the 2021 export lacks as null', () => {
    expect(result.records[0]).toMatchObject({
      eolien_terrestre: null,
      eolien_offshore: null,
      stockage_batterie: null,
      destockage_batterie: null,
    });
  });

  it('covers every Paris day of December 2021, from 2021-11-30T23:00Z', () => {
    const instants = result.records.map((record) => Date.parse(record.instant));
    expect(new Date(Math.min(...instants)).toISOString()).toBe('2021-11-30T23:00:00.000Z');
    expect(new Date(Math.max(...instants)).toISOString()).toBe('2021-12-31T22:45:00.000Z');
  });
});

describe('parsing the consolidated label export excerpt (Date et Heure, LF)', () => {
  const text = readEco2mixFixture(ECO2MIX_FIXTURE_FILES.consDef2024);
  let result: ReadExport;
  beforeAll(async () => {
    result = await eco2mix.read(text, { file: 'cons-def.csv', source: 'consolidated' });
  });

  it('keeps all 24 rows, the 12 forecast-only ones included', () => {
    expect(result.rowsRead).toBe(24);
    expect(result.records).toHaveLength(24);
    expect(result.rejects).toEqual([]);
    expect(result.records.filter((record) => record.consommation === null)).toHaveLength(12);
  });

  it('reads a half-hourly row with every value', () => {
    expect(at(result.records, '2024-01-01T01:00:00.000Z')).toMatchObject({
      source: 'consolidated',
      nature: 'Données consolidées',
      consommation: 52770,
      prevision_j1: 52300,
      nucleaire: 37093,
      taux_co2: 21,
    });
  });

  it('reads a :45 row as forecasts only', () => {
    expect(at(result.records, '2024-01-01T07:45:00.000Z')).toMatchObject({
      consommation: null,
      prevision_j1: 45350,
      prevision_j: 46850,
      nucleaire: null,
      taux_co2: null,
      ech_physiques: null,
    });
  });
});
