import { beforeAll, describe, expect, it } from 'vitest';
import { eco2mixMetricsSchema, type Eco2mixMetrics } from '../../src/datasets/eco2mix/metrics-schema.js';
import { computeEco2mixMetrics } from '../reference/eco2mix-metrics.js';
import { expectedPoints } from '../../src/workflow-safe/partition.js';
import { eco2mixRecord, loadSampleDay } from '../support/eco2mix-fixtures.js';
import { useEco2mixReader } from '../support/eco2mix-read.js';

const eco2mix = useEco2mixReader('courant-eco2mix-metrics-');

const EPSILON_DIGITS = 9;

describe('computeEco2mixMetrics on a hand-checked series', () => {
  // 2024-01-15, a 24-hour winter day. Four quarter-hour points (one of them consolidated) and one
  // forecast-only record that is not a point. Step 15 min = 0.25 h.
  const records = [
    eco2mixRecord('2024-01-15T08:00:00Z', {
      consommation: 60_000,
      prevision_j1: 59_000,
      fioul: 100,
      charbon: 0,
      gaz: 3_000,
      nucleaire: 40_000,
      eolien: 5_000,
      solaire: 1_000,
      hydraulique: 8_000,
      bioenergies: 1_000,
      ech_physiques: 2_000,
      taux_co2: 40,
    }),
    eco2mixRecord('2024-01-15T08:15:00Z', {
      consommation: 62_000,
      prevision_j1: 62_000,
      fioul: 100,
      charbon: 0,
      gaz: 3_200,
      nucleaire: 40_000,
      eolien: 5_200,
      solaire: 1_200,
      hydraulique: 8_400,
      bioenergies: 1_000,
      ech_physiques: -1_000,
      taux_co2: 42,
    }),
    eco2mixRecord('2024-01-15T08:30:00Z', {
      source: 'consolidated',
      consommation: 64_000,
      prevision_j1: 60_800,
      fioul: null,
      charbon: 0,
      gaz: 3_400,
      nucleaire: 40_000,
      eolien: 5_400,
      solaire: 1_400,
      hydraulique: 8_800,
      bioenergies: 1_000,
      ech_physiques: 3_000,
      taux_co2: null,
    }),
    eco2mixRecord('2024-01-15T08:45:00Z', {
      consommation: 62_000,
      prevision_j1: null,
      fioul: 100,
      charbon: 0,
      gaz: 3_400,
      nucleaire: 40_000,
      eolien: 5_400,
      solaire: 1_400,
      hydraulique: 8_800,
      bioenergies: 1_000,
      ech_physiques: 0,
      taux_co2: 44,
    }),
    eco2mixRecord('2024-01-15T09:00:00Z', { source: 'consolidated', prevision_j1: 61_000, prevision_j: 61_500 }),
  ];
  const metrics = computeEco2mixMetrics('2024-01-15', records);

  it('counts 4 points of 96 at a 15-minute step, from both sources', () => {
    expect(metrics).toMatchObject({
      dataset: 'eco2mix',
      date: '2024-01-15',
      timezone: 'Europe/Paris',
      source: 'mixed',
      stepMinutes: 15,
      points: 4,
      expectedPoints: 96,
    });
    // 4 / 96
    expect(metrics.completeness).toBeCloseTo(1 / 24, EPSILON_DIGITS);
  });

  it('computes consumption energy, peak, minimum and mean', () => {
    // (60 000 + 62 000 + 64 000 + 62 000) MW × 0.25 h = 248 000 × 0.25 = 62 000 MWh; mean 248 000 / 4.
    expect(metrics.consumption.energyMWh).toBeCloseTo(62_000, EPSILON_DIGITS);
    expect(metrics.consumption.peakMW).toBe(64_000);
    expect(metrics.consumption.peakAt).toBe('2024-01-15T08:30:00.000Z');
    expect(metrics.consumption.minMW).toBe(60_000);
    expect(metrics.consumption.minAt).toBe('2024-01-15T08:00:00.000Z');
    expect(metrics.consumption.meanMW).toBeCloseTo(62_000, EPSILON_DIGITS);
  });

  it('computes production by source over the points that have a value', () => {
    const bySource = metrics.production.bySourceMWh;
    // fioul: 100 + 100 (08:30 missing) + 100 = 300 × 0.25
    expect(bySource.fioul).toBeCloseTo(75, EPSILON_DIGITS);
    expect(bySource.charbon).toBeCloseTo(0, EPSILON_DIGITS);
    // gaz: 3 000 + 3 200 + 3 400 + 3 400 = 13 000 × 0.25
    expect(bySource.gaz).toBeCloseTo(3_250, EPSILON_DIGITS);
    expect(bySource.nucleaire).toBeCloseTo(40_000, EPSILON_DIGITS);
    // eolien: 21 000 × 0.25; solaire: 5 000 × 0.25; hydraulique: 34 000 × 0.25; bioenergies: 4 000 × 0.25
    expect(bySource.eolien).toBeCloseTo(5_250, EPSILON_DIGITS);
    expect(bySource.solaire).toBeCloseTo(1_250, EPSILON_DIGITS);
    expect(bySource.hydraulique).toBeCloseTo(8_500, EPSILON_DIGITS);
    expect(bySource.bioenergies).toBeCloseTo(1_000, EPSILON_DIGITS);
    // 75 + 0 + 3 250 + 40 000 + 5 250 + 1 250 + 8 500 + 1 000
    expect(metrics.production.totalMWh).toBeCloseTo(59_325, EPSILON_DIGITS);
    // low carbon = 40 000 + 5 250 + 1 250 + 8 500 + 1 000 = 56 000; 100 × 56 000 / 59 325 ≈ 94.3953
    expect(metrics.production.lowCarbonSharePct).toBeCloseTo(94.395280236, 6);
  });

  it('computes net imports, mean CO2 intensity and the day-ahead forecast error', () => {
    // (2 000 − 1 000 + 3 000 + 0) × 0.25
    expect(metrics.exchanges.netImportMWh).toBeCloseTo(1_000, EPSILON_DIGITS);
    // (40 + 42 + 44) / 3, the 08:30 point has no taux_co2
    expect(metrics.co2.meanIntensityGPerKWh).toBeCloseTo(42, EPSILON_DIGITS);
    // 100 × mean(1 000/60 000, 0, 3 200/64 000) = 100 × (1/60 + 0 + 1/20) / 3 = 100 / 45; 08:45 has no forecast
    expect(metrics.forecast.dayAheadMAPEPct).toBeCloseTo(100 / 45, EPSILON_DIGITS);
  });

  it('matches the metrics schema', () => {
    expect(eco2mixMetricsSchema.parse(metrics)).toEqual(metrics);
  });
});

describe('computeEco2mixMetrics step and edge cases', () => {
  it('uses a 30-minute step when the points are half-hourly (consolidated data)', () => {
    const metrics = computeEco2mixMetrics('2024-01-15', [
      eco2mixRecord('2024-01-15T10:00:00Z', { source: 'consolidated', consommation: 50_000 }),
      eco2mixRecord('2024-01-15T10:15:00Z', { source: 'consolidated', prevision_j1: 50_500 }),
      eco2mixRecord('2024-01-15T10:30:00Z', { source: 'consolidated', consommation: 52_000 }),
    ]);
    expect(metrics).toMatchObject({ source: 'consolidated', stepMinutes: 30, points: 2, expectedPoints: 48 });
    // (50 000 + 52 000) × 0.5 h
    expect(metrics.consumption.energyMWh).toBeCloseTo(51_000, EPSILON_DIGITS);
    expect(metrics.completeness).toBeCloseTo(2 / 48, EPSILON_DIGITS);
  });

  it('gives the first occurrence of a tied peak and minimum', () => {
    const metrics = computeEco2mixMetrics('2024-01-15', [
      eco2mixRecord('2024-01-15T11:00:00Z', { consommation: 50_000 }),
      eco2mixRecord('2024-01-15T10:00:00Z', { consommation: 50_000 }),
      eco2mixRecord('2024-01-15T10:15:00Z', { consommation: 40_000 }),
      eco2mixRecord('2024-01-15T10:45:00Z', { consommation: 40_000 }),
    ]);
    expect(metrics.consumption.peakAt).toBe('2024-01-15T10:00:00.000Z');
    expect(metrics.consumption.minAt).toBe('2024-01-15T10:15:00.000Z');
  });

  it('gives null figures, not NaN, for a day without points', () => {
    const metrics = computeEco2mixMetrics('2024-01-15', [
      eco2mixRecord('2024-01-15T10:15:00Z', { source: 'consolidated', prevision_j1: 50_500 }),
    ]);
    expect(metrics).toMatchObject({ source: null, stepMinutes: 15, points: 0, expectedPoints: 96, completeness: 0 });
    expect(metrics.consumption).toEqual({
      energyMWh: null,
      peakMW: null,
      peakAt: null,
      minMW: null,
      minAt: null,
      meanMW: null,
    });
    expect(metrics.production.totalMWh).toBeNull();
    expect(metrics.production.lowCarbonSharePct).toBeNull();
    expect(metrics.co2.meanIntensityGPerKWh).toBeNull();
    expect(metrics.forecast.dayAheadMAPEPct).toBeNull();
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(metrics);
    expect(eco2mixMetricsSchema.safeParse(metrics).success).toBe(true);
  });

  it('gives null rather than dividing by zero consumption or zero production', () => {
    const metrics = computeEco2mixMetrics('2024-01-15', [
      eco2mixRecord('2024-01-15T10:00:00Z', { consommation: 0, prevision_j1: 100, nucleaire: 0, gaz: 0 }),
    ]);
    expect(metrics.forecast.dayAheadMAPEPct).toBeNull();
    expect(metrics.production.totalMWh).toBe(0);
    expect(metrics.production.lowCarbonSharePct).toBeNull();
    expect(metrics.production.bySourceMWh.fioul).toBeNull();
  });

  it('refuses records outside the day or twice the same instant (merge first)', () => {
    expect(() =>
      computeEco2mixMetrics('2024-01-15', [eco2mixRecord('2024-01-15T23:00:00Z', { consommation: 1 })]),
    ).toThrow(RangeError);
    expect(() =>
      computeEco2mixMetrics('2024-01-15', [
        eco2mixRecord('2024-01-15T10:00:00Z', { consommation: 1 }),
        eco2mixRecord('2024-01-15T11:00:00+01:00', { consommation: 2 }),
      ]),
    ).toThrow(/two records/);
  });
});

describe('expected points on daylight-saving days', () => {
  it.each([
    ['2024-03-31', 92, 46],
    ['2024-10-27', 100, 50],
    ['2024-06-15', 96, 48],
  ])('%s expects %i quarter-hours and %i half-hours', (date, quarters, halves) => {
    expect(expectedPoints(date, 15)).toBe(quarters);
    expect(expectedPoints(date, 30)).toBe(halves);
    expect(computeEco2mixMetrics(date, []).expectedPoints).toBe(quarters);
  });

  it('counts a complete 23-hour day as complete', () => {
    // 2024-03-31 starts at 2024-03-30T23:00Z and has 92 quarter-hours.
    const start = Date.parse('2024-03-30T23:00:00Z');
    const records = Array.from({ length: 92 }, (_, i) =>
      eco2mixRecord(new Date(start + i * 15 * 60_000).toISOString(), { consommation: 40_000 }),
    );
    const metrics = computeEco2mixMetrics('2024-03-31', records);
    expect(metrics.completeness).toBe(1);
    // 40 000 MW × 23 h
    expect(metrics.consumption.energyMWh).toBeCloseTo(920_000, EPSILON_DIGITS);
  });
});

describe('computeEco2mixMetrics on the real 2025-08-22 sample', () => {
  const day = loadSampleDay();
  let metrics: Eco2mixMetrics;
  beforeAll(async () => {
    metrics = computeEco2mixMetrics(
      day.date,
      (await eco2mix.transform(day.date, [['realtime', day.realtimeCsv]])).records,
    );
  });

  it('finds 88 of the 96 quarter-hours of an ordinary Paris day', () => {
    expect(metrics).toMatchObject({ source: 'realtime', stepMinutes: 15, points: 88, expectedPoints: 96 });
  });

  it('gives plausible national figures for a summer Friday', () => {
    const { consumption, production, co2, forecast, exchanges } = metrics;
    expect(consumption.meanMW).toBeGreaterThan(30_000);
    expect(consumption.meanMW).toBeLessThan(60_000);
    expect(production.lowCarbonSharePct).toBeGreaterThan(0);
    expect(production.lowCarbonSharePct).toBeLessThan(100);
    expect(production.totalMWh).toBeGreaterThan(consumption.energyMWh ?? Number.POSITIVE_INFINITY);
    expect(exchanges.netImportMWh).toBeLessThan(0);
    expect(co2.meanIntensityGPerKWh).toBeGreaterThan(0);
    expect(co2.meanIntensityGPerKWh).toBeLessThan(100);
    expect(forecast.dayAheadMAPEPct).toBeGreaterThan(0);
    expect(forecast.dayAheadMAPEPct).toBeLessThan(10);
  });

  it('matches the figures computed independently from the JSON records', () => {
    // Sums over the 88 rows 2025-08-22T00:00Z…21:45Z of the JSON, × 0.25 h.
    expect(metrics.consumption.energyMWh).toBeCloseTo(900_794.25, 6);
    expect(metrics.production.totalMWh).toBeCloseTo(1_204_303, 6);
    expect(metrics.production.bySourceMWh.nucleaire).toBeCloseTo(870_718.25, 6);
    expect(metrics.exchanges.netImportMWh).toBeCloseTo(-276_552.75, 6);
    expect(metrics.co2.meanIntensityGPerKWh).toBeCloseTo(16.784090909, 6);
    expect(metrics.production.lowCarbonSharePct).toBeCloseTo(98.11938939, 6);
    expect(metrics.forecast.dayAheadMAPEPct).toBeCloseTo(0.992159335, 6);
  });
});
