/**
 * The reference for the eCO2mix daily metrics (docs/architecture.md#metrics-documents): the
 * TypeScript implementation courant used before its metrics became SQL
 * (src/datasets/eco2mix/day-metrics.ts), kept here unchanged, for the tests to compare the SQL
 * against an independent computation on every fixture day.
 */
import { expectedPoints, parisDayBounds, PARTITION_TIMEZONE } from '../../src/workflow-safe/partition.js';
import type { Eco2mixMetrics } from '../../src/datasets/eco2mix/metrics-schema.js';
import { ECO2MIX_NATURES, natureOf, natureRank } from '../../src/datasets/eco2mix/nature.js';
import type { Eco2mixMeasure, Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';

const PRODUCTION_SOURCES = [
  'fioul',
  'charbon',
  'gaz',
  'nucleaire',
  'eolien',
  'solaire',
  'hydraulique',
  'bioenergies',
] as const;
const LOW_CARBON_SOURCES = ['nucleaire', 'eolien', 'solaire', 'hydraulique', 'bioenergies'] as const;

type ProductionSource = (typeof PRODUCTION_SOURCES)[number];
type Point = Eco2mixRecord & { readonly consommation: number };

function sum(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((total, value) => total + value, 0);
}

function mean(values: readonly number[]): number | null {
  const total = sum(values);
  return total === null ? null : total / values.length;
}

function valuesOf(points: readonly Point[], measure: Eco2mixMeasure): number[] {
  const values: number[] = [];
  for (const point of points) {
    const value = point[measure];
    if (value !== null) values.push(value);
  }
  return values;
}

/** The oldest nature among the points: one real-time point makes the day real time. */
function natureOfPoints(points: readonly Point[]): Eco2mixMetrics['nature'] {
  if (points.length === 0) return null;
  const ranks = points.map((point) => natureRank(natureOf(point.source, point.nature)));
  return ECO2MIX_NATURES[Math.min(...ranks)] ?? null;
}

/**
 * 15 when a point lies on :15 or :45 (real-time quarter-hours), else 30 (consolidated data, whose
 * real values are half-hourly). Paris is a whole number of hours from UTC, so UTC minutes are local
 * minutes. A day without points counts in quarter-hours, the real-time grid.
 */
function stepMinutesOf(points: readonly Point[]): 15 | 30 {
  if (points.length === 0) return 15;
  return points.some((point) => new Date(point.instant).getUTCMinutes() % 30 === 15) ? 15 : 30;
}

function sourceOf(points: readonly Point[]): Eco2mixMetrics['source'] {
  const sources = new Set(points.map((point) => point.source));
  if (sources.size === 0) return null;
  if (sources.size > 1) return 'mixed';
  return sources.has('consolidated') ? 'consolidated' : 'realtime';
}

function extremes(
  points: readonly Point[],
): Pick<Eco2mixMetrics['consumption'], 'peakMW' | 'peakAt' | 'minMW' | 'minAt'> {
  let peak: Point | null = null;
  let min: Point | null = null;
  for (const point of points) {
    if (peak === null || point.consommation > peak.consommation) peak = point;
    if (min === null || point.consommation < min.consommation) min = point;
  }
  return {
    peakMW: peak?.consommation ?? null,
    peakAt: peak?.instant ?? null,
    minMW: min?.consommation ?? null,
    minAt: min?.instant ?? null,
  };
}

/** 100 × mean of |consommation − prevision_j1| / consommation over points with both (and a non-zero consumption). */
function dayAheadMape(points: readonly Point[]): number | null {
  const errors: number[] = [];
  for (const point of points) {
    if (point.prevision_j1 === null || point.consommation === 0) continue;
    errors.push(Math.abs(point.consommation - point.prevision_j1) / point.consommation);
  }
  const meanError = mean(errors);
  return meanError === null ? null : 100 * meanError;
}

/** Checks the precondition: records are the output of `mergeEco2mixSources` for this day. */
function assertMergedDay(date: string, records: readonly Eco2mixRecord[]): void {
  const { start, end } = parisDayBounds(date);
  const seen = new Set<number>();
  for (const record of records) {
    const at = Date.parse(record.instant);
    if (!(at >= start.getTime() && at < end.getTime())) {
      throw new RangeError(`record at ${record.instant} is outside the Paris day ${date}: merge the sources first`);
    }
    if (seen.has(at)) throw new RangeError(`two records at ${record.instant}: merge the sources first`);
    seen.add(at);
  }
}

/**
 * Metrics of one Paris day. `records` must be one per instant, inside the day (the output of
 * `mergeEco2mixSources`); otherwise a RangeError is thrown. A point is a record with a consumption;
 * energies are Σ MW × step over the points that carry the measure; a figure with no value to
 * compute from is null.
 */
export function computeEco2mixMetrics(date: string, records: Eco2mixRecord[]): Eco2mixMetrics {
  assertMergedDay(date, records);
  const points = records
    .filter((record): record is Point => record.consommation !== null)
    .sort((a, b) => Date.parse(a.instant) - Date.parse(b.instant));
  const stepMinutes = stepMinutesOf(points);
  const stepHours = stepMinutes / 60;
  const expected = expectedPoints(date, stepMinutes);
  const energyOf = (measure: Eco2mixMeasure): number | null => {
    const total = sum(valuesOf(points, measure));
    return total === null ? null : total * stepHours;
  };

  const bySourceMWh = Object.fromEntries(PRODUCTION_SOURCES.map((name) => [name, energyOf(name)])) as Record<
    ProductionSource,
    number | null
  >;
  const totalMWh = sum(PRODUCTION_SOURCES.flatMap((name) => bySourceMWh[name] ?? []));
  const lowCarbonMWh = sum(LOW_CARBON_SOURCES.flatMap((name) => bySourceMWh[name] ?? [])) ?? 0;
  const consumption = valuesOf(points, 'consommation');

  return {
    dataset: 'eco2mix',
    date,
    timezone: PARTITION_TIMEZONE,
    source: sourceOf(points),
    nature: natureOfPoints(points),
    stepMinutes,
    points: points.length,
    expectedPoints: expected,
    completeness: points.length / expected,
    consumption: { energyMWh: energyOf('consommation'), ...extremes(points), meanMW: mean(consumption) },
    production: {
      totalMWh,
      bySourceMWh,
      lowCarbonSharePct: totalMWh === null || totalMWh === 0 ? null : (100 * lowCarbonMWh) / totalMWh,
    },
    exchanges: { netImportMWh: energyOf('ech_physiques') },
    co2: { meanIntensityGPerKWh: mean(valuesOf(points, 'taux_co2')) },
    forecast: { dayAheadMAPEPct: dayAheadMape(points) },
  };
}
