/**
 * The short summary across datasets that opens a daily report: what ran, what failed, how
 * complete each dataset is, and each dataset's headline figures, so that `daily_report.csv` alone
 * tells what happened that day.
 */
import type { ReportSection } from '../datasets/report-views.js';
import type { CheckResult } from '../workflow-safe/quality.js';
import { percent } from './format.js';

export interface ReportedDataset {
  readonly dataset: string;
  readonly title: string;
  readonly status: 'succeeded' | 'failed';
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number } | null;
  readonly completeness: number | null;
  readonly error: string | null;
  readonly metrics: Record<string, unknown> | null;
  /** What the dataset shows of the day (its module's day section); null when it failed. */
  readonly section: ReportSection | null;
  /** The quality checks of the day that failed: warnings, accepted blocks and the blocks that stopped it. */
  readonly checks: readonly CheckResult[];
}

export interface Headline {
  readonly dataset: string;
  /** The figure's key, e.g. `consumption.energyMWh`. */
  readonly metric: string;
  readonly value: number | string | null;
}

export interface DailySummary {
  /** succeeded: every dataset succeeded; failed: none did; partial: some did. */
  readonly status: 'succeeded' | 'failed' | 'partial';
  readonly datasets: { readonly run: number; readonly succeeded: number; readonly failed: number };
  readonly failed: readonly string[];
  /** Completeness of each dataset that succeeded. */
  readonly completeness: Readonly<Record<string, number | null>>;
  readonly headline: readonly Headline[];
  /** One sentence per dataset, joined: what a reader sees first. */
  readonly text: string;
}

/** `; warning: completeness (observed 0.9, expected ≥ 0.95); accepted: balance (…)`, or nothing. */
function checksClause(checks: readonly CheckResult[]): string {
  const described = (c: CheckResult) => `${c.name} (observed ${c.observed ?? 'nothing'}, expected ${c.threshold})`;
  const warned = checks.filter((c) => c.severity === 'warn');
  const accepted = checks.filter((c) => c.accepted);
  return (
    (warned.length > 0 ? `; warning: ${warned.map(described).join(', ')}` : '') +
    (accepted.length > 0 ? `; accepted by an operator: ${accepted.map(described).join(', ')}` : '')
  );
}

function sentence(d: ReportedDataset): string {
  if (d.status === 'failed') return `${d.dataset} failed: ${d.error ?? 'see the dataset below'}`;
  const checks = checksClause(d.checks);
  if (d.section) return `${d.dataset} succeeded, ${d.section.summary}${checks}`;
  return `${d.dataset} succeeded${d.completeness === null ? '' : `, completeness ${percent(d.completeness)}`}${checks}`;
}

export function summariseDay(datasets: readonly ReportedDataset[]): DailySummary {
  const succeeded = datasets.filter((d) => d.status === 'succeeded');
  const failed = datasets.filter((d) => d.status === 'failed');
  return {
    status: failed.length === 0 ? 'succeeded' : succeeded.length === 0 ? 'failed' : 'partial',
    datasets: { run: datasets.length, succeeded: succeeded.length, failed: failed.length },
    failed: failed.map((d) => d.dataset),
    completeness: Object.fromEntries(succeeded.map((d) => [d.dataset, d.completeness])),
    headline: succeeded.flatMap((d) =>
      (d.section?.figures ?? []).map((f) => ({ dataset: d.dataset, metric: f.key, value: f.value })),
    ),
    text: `${datasets.map(sentence).join('. ')}.`,
  };
}
