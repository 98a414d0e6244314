/**
 * The daily report page: the summary across datasets, then each dataset's section (its figures,
 * charts and tables, from its module) or why it failed, then every dataset's status and rows.
 */
import { parisDayBounds } from '../../workflow-safe/partition.js';
import type { CheckResult } from '../../workflow-safe/quality.js';
import type { DailySummary, ReportedDataset } from '../daily-summary.js';
import { escapeHtml, formatNumber, longDay, percent } from '../format.js';
import { page, statusBadge, table } from './layout.js';
import { sectionHtml } from './section.js';

export interface DailyPageInput {
  readonly date: string;
  readonly summary: DailySummary;
  readonly datasets: readonly ReportedDataset[];
}

function datasetsTable(datasets: readonly ReportedDataset[]): string {
  return table(
    ['dataset', 'status', 'rows read', 'written', 'rejected', 'completeness', 'error'],
    datasets.map((d) => [
      escapeHtml(d.dataset),
      statusBadge(d.status),
      formatNumber(d.rows?.read),
      formatNumber(d.rows?.written),
      formatNumber(d.rows?.rejected),
      percent(d.completeness),
      `<span class="note">${escapeHtml(d.error ?? '')}</span>`,
    ]),
  );
}

/** The day's failed quality checks: what was observed, what was expected, where to look. */
function checksList(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '';
  const item = (c: CheckResult) => {
    const verdict = c.accepted ? 'accepted by an operator' : c.severity === 'block' ? 'blocked the day' : 'warning';
    return (
      `<li data-check="${escapeHtml(c.name)}"><strong>${escapeHtml(c.name)}</strong> (${verdict}): ` +
      `${escapeHtml(c.description)} — observed ${escapeHtml(String(c.observed ?? 'nothing'))}, expected ${escapeHtml(c.threshold)}; ` +
      `${formatNumber(c.rowsInvolved)} row(s) involved, in <code>${escapeHtml(c.file)}</code></li>`
    );
  };
  return `<h3>Quality checks</h3><ul class="checks">${checks.map(item).join('')}</ul>`;
}

function datasetBlock(d: ReportedDataset): string {
  const heading = `<h2>${escapeHtml(d.section?.title ?? d.title)} ${statusBadge(d.status)}</h2>`;
  const checks = checksList(d.checks);
  if (d.status === 'failed')
    return `<section data-dataset="${escapeHtml(d.dataset)}">${heading}<p>${escapeHtml(d.error ?? '')}</p>${checks}</section>`;
  const body = d.section ? `<p>${escapeHtml(d.section.summary)}</p>${checks}${sectionHtml(d.section)}` : checks;
  return `<section data-dataset="${escapeHtml(d.dataset)}">${heading}${body}</section>`;
}

export function dailyReportHtml(input: DailyPageInput): string {
  const sections = [
    `<p>${statusBadge(input.summary.status)} ${escapeHtml(input.summary.text)}</p>`,
    ...input.datasets.map(datasetBlock),
    '<h2>Datasets</h2>',
    datasetsTable(input.datasets),
  ];
  const { hours } = parisDayBounds(input.date);
  return page({
    kind: 'day',
    title: `courant — ${longDay(input.date)}`,
    subtitle: `The Paris day ${input.date} (${hours} hours): ${input.datasets.map((d) => d.title).join(', ')}.`,
    nav: [
      ['All reports', '../index.html'],
      [`Month ${input.date.slice(0, 7)}`, `../month=${input.date.slice(0, 7)}/monthly_report.html`],
      ['JSON', 'daily_report.json'],
      ['CSV', 'daily_report.csv'],
    ],
    notes: [...new Set(input.datasets.flatMap((d) => d.section?.notes ?? []))],
    body: sections.join('\n'),
  });
}
