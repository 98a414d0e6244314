import { describe, expect, it } from 'vitest';
import type { Eco2mixMetrics } from '../../src/datasets/eco2mix/metrics-schema.js';
import { computeEco2mixMetrics } from '../reference/eco2mix-metrics.js';
import {
  apiRecordsToExportCsv,
  type ExpectedHeadline,
  loadFullSampleDay,
  loadSampleDay,
  loadSampleRecords,
} from '../support/eco2mix-fixtures.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-fixtures-');

async function metricsOf(date: string, csvs: Array<[string, 'realtime' | 'consolidated']>): Promise<Eco2mixMetrics> {
  const day = await eco2mix.transform(
    date,
    csvs.map(([csv, source]) => [source, csv] as const),
  );
  return computeEco2mixMetrics(date, day.records);
}

function expectHeadline(metrics: Eco2mixMetrics, expected: ExpectedHeadline): void {
  expect(metrics).toMatchObject({
    source: expected.source,
    stepMinutes: expected.stepMinutes,
    points: expected.points,
    expectedPoints: expected.expectedPoints,
  });
  expect(metrics.completeness).toBeCloseTo(expected.completeness, 12);
  expect(metrics.consumption.energyMWh).toBeCloseTo(expected.energyMWh, 6);
  expect(metrics.consumption).toMatchObject({
    peakMW: expected.peakMW,
    peakAt: expected.peakAt,
    minMW: expected.minMW,
    minAt: expected.minAt,
  });
}

describe('apiRecordsToExportCsv', () => {
  const csv = apiRecordsToExportCsv(loadSampleRecords());
  const lines = csv.split('\r\n');

  it('writes a BOM, the machine header, CRLF line ends and one line per record', () => {
    expect(csv.startsWith('\uFEFFperimetre;nature;date;heure;date_heure;consommation;')).toBe(true);
    expect(lines[0]?.endsWith(';stockage_batterie;destockage_batterie')).toBe(true);
    expect(lines).toHaveLength(98);
    expect(lines.at(-1)).toBe('');
    expect(csv.includes('\n') && !/[^\r]\n/.test(csv)).toBe(true);
  });

  it('orders rows by instant and prints instants in UTC', () => {
    expect(lines[1]).toBe(
      'France;Données temps réel;2025-08-22;02:00;2025-08-22T00:00:00+00:00;' + lines[1]?.split(';').slice(5).join(';'),
    );
    expect(lines[96]?.split(';')[4]).toBe('2025-08-22T23:45:00+00:00');
  });

  it('writes no BOM when asked, and empty cells for nulls', () => {
    const plain = apiRecordsToExportCsv([{ date_heure: '2025-08-22T02:00:00+02:00', consommation: null }], {
      bom: false,
    });
    expect(plain.startsWith('perimetre;')).toBe(true);
    expect(plain.split('\r\n')[1]).toBe(';;;;2025-08-22T00:00:00+00:00' + ';'.repeat(36));
  });
});

describe('loadSampleDay (Paris day 2025-08-22, partial)', () => {
  const day = loadSampleDay();

  it('has the headline figures it announces for the real-time export alone', async () => {
    // Checked by hand from the JSON: 88 rows in [2025-08-21T22:00Z, 2025-08-22T22:00Z), Σ consommation
    // = 3 603 177 MW → × 0.25 h = 900 794.25 MWh; max 47 586 at 10:45Z, min 32 789 at 02:00Z.
    expectHeadline(await metricsOf(day.date, [[day.realtimeCsv, 'realtime']]), day.expectedRealtime);
  });

  it('has the headline figures it announces when the consolidated export is read too', async () => {
    expectHeadline(
      await metricsOf(day.date, [
        [day.realtimeCsv, 'realtime'],
        [day.consolidatedCsv, 'consolidated'],
      ]),
      day.expectedMerged,
    );
  });

  it('derives a consolidated export with forecasts only on :15/:45', async () => {
    const records = (await eco2mix.read(day.consolidatedCsv, { file: 'cd', source: 'consolidated' })).records;
    const quarter = records.find((record) => record.instant === '2025-08-22T00:45:00.000Z');
    expect(quarter).toMatchObject({
      nature: 'Données consolidées',
      consommation: null,
      nucleaire: null,
      prevision_j1: 34650,
    });
    const half = records.find((record) => record.instant === '2025-08-22T03:00:00.000Z');
    expect(half?.consommation).toBe(33_107 + 100);
  });
});

describe('loadFullSampleDay (Paris day 2021-12-15, complete)', () => {
  const day = loadFullSampleDay();

  it('holds exactly the 96 quarter-hours of the Paris day', async () => {
    const result = await eco2mix.read(day.realtimeCsv, { file: 'tr', source: 'realtime' });
    expect(result.rejects).toEqual([]);
    expect(result.records).toHaveLength(96);
    expect(result.records[0]?.instant).toBe('2021-12-14T23:00:00.000Z');
    expect(result.records.at(-1)?.instant).toBe('2021-12-15T22:45:00.000Z');
  });

  it('has the headline figures it announces', async () => {
    // Checked by hand from the label export: Σ consommation over local 2021-12-15 = 6 630 843 MW
    // → × 0.25 h = 1 657 710.75 MWh; max 76 740 at 19:00 local (18:00Z), min 57 873 at 04:30 local.
    expectHeadline(await metricsOf(day.date, [[day.realtimeCsv, 'realtime']]), day.expectedRealtime);
  });
});
