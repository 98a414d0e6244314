/**
 * The short summary across datasets that opens a daily report: what ran, what failed, how
 * complete each dataset is, and a few headline figures, so that `daily_report.csv` alone tells
 * what happened that day.
 */
import { formatNumber, parisClock, percent } from './format.js';

export interface ReportedDataset {
  readonly dataset: string;
  readonly status: 'succeeded' | 'failed';
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number } | null;
  readonly completeness: number | null;
  readonly error: string | null;
  readonly metrics: Record<string, unknown> | null;
}

export interface Headline {
  readonly dataset: string;
  /** Dotted path of the figure in the dataset's metrics, e.g. `consumption.energyMWh`. */
  readonly metric: string;
  readonly value: number | string | null;
}

export interface DailySummary {
  /** succeeded: every dataset succeeded; failed: none did; partial: some did. */
  readonly status: 'succeeded' | 'failed' | 'partial';
  readonly datasets: { readonly run: number; readonly succeeded: number; readonly failed: number };
  readonly failed: readonly string[];
  /** Completeness of each dataset that succeeded (points / expected points). */
  readonly completeness: Readonly<Record<string, number | null>>;
  readonly headline: readonly Headline[];
  /** One sentence per dataset, joined: what a reader sees first. */
  readonly text: string;
}

/** Figures of a dataset's metrics worth a headline. */
const HEADLINE_METRICS: Readonly<Record<string, readonly string[]>> = {
  eco2mix: [
    'points',
    'expectedPoints',
    'consumption.energyMWh',
    'consumption.peakMW',
    'consumption.peakAt',
    'production.lowCarbonSharePct',
    'co2.meanIntensityGPerKWh',
    'exchanges.netImportMWh',
  ],
};

function at(metrics: Record<string, unknown>, path: string): number | string | null {
  let value: unknown = metrics;
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'number' || typeof value === 'string' ? value : null;
}

function sentence(d: ReportedDataset, figures: ReadonlyMap<string, number | string | null>): string {
  if (d.status === 'failed') return `${d.dataset} failed: ${d.error ?? 'see the dataset below'}`;
  const parts = [`${d.dataset} succeeded`];
  const points = figures.get('points');
  const expected = figures.get('expectedPoints');
  if (typeof points === 'number' && typeof expected === 'number') {
    parts.push(`${points} of ${expected} points (${percent(d.completeness)})`);
  } else if (d.completeness !== null) {
    parts.push(`completeness ${percent(d.completeness)}`);
  }
  const energy = figures.get('consumption.energyMWh');
  if (typeof energy === 'number') parts.push(`consumption ${formatNumber(energy)} MWh`);
  const peak = figures.get('consumption.peakMW');
  const peakAt = figures.get('consumption.peakAt');
  if (typeof peak === 'number') {
    parts.push(
      `peak ${formatNumber(peak)} MW${typeof peakAt === 'string' ? ` at ${parisClock(peakAt)} Paris time` : ''}`,
    );
  }
  const lowCarbon = figures.get('production.lowCarbonSharePct');
  if (typeof lowCarbon === 'number') parts.push(`low-carbon share ${formatNumber(lowCarbon, 1)} %`);
  const co2 = figures.get('co2.meanIntensityGPerKWh');
  if (typeof co2 === 'number') parts.push(`CO2 ${formatNumber(co2, 1)} gCO2/kWh`);
  return parts.join(', ');
}

export function summariseDay(datasets: readonly ReportedDataset[]): DailySummary {
  const succeeded = datasets.filter((d) => d.status === 'succeeded');
  const failed = datasets.filter((d) => d.status === 'failed');
  const headline: Headline[] = [];
  const sentences: string[] = [];
  for (const d of datasets) {
    const figures = new Map<string, number | string | null>();
    if (d.status === 'succeeded' && d.metrics) {
      for (const metric of HEADLINE_METRICS[d.dataset] ?? []) {
        const value = at(d.metrics, metric);
        figures.set(metric, value);
        headline.push({ dataset: d.dataset, metric, value });
      }
    }
    sentences.push(sentence(d, figures));
  }
  return {
    status: failed.length === 0 ? 'succeeded' : succeeded.length === 0 ? 'failed' : 'partial',
    datasets: { run: datasets.length, succeeded: succeeded.length, failed: failed.length },
    failed: failed.map((d) => d.dataset),
    completeness: Object.fromEntries(succeeded.map((d) => [d.dataset, d.completeness])),
    headline,
    text: `${sentences.join('. ')}.`,
  };
}
