/**
 * The monthly and annual report pages: for each dataset with days in the period, its status, its
 * section (figures, charts, tables from its module) and a table of the days or months with their
 * status and links; the datasets without any day are named.
 */
import type { PeriodSection } from '../../datasets/report-views.js';
import { escapeHtml, longMonth, percent } from '../format.js';
import type { DatasetPeriod, PeriodReport } from '../period-report.js';
import { page, statusBadge, table, tile } from './layout.js';
import { figureText, sectionHtml } from './section.js';

function rowFigures(
  section: PeriodSection,
): Array<{ key: string; label: string; unit?: string; digits?: number; format?: 'percent' | 'instant' | 'text' }> {
  const first = section.daily[0]?.figures ?? section.monthly[0]?.figures ?? [];
  return first.filter((f) => f.key !== 'completeness' && f.detail !== true);
}

function datasetBlock(report: PeriodReport, d: DatasetPeriod, section: PeriodSection): string {
  const columns = rowFigures(section);
  const cells = (figures: DatasetPeriod['totals'] | null) =>
    columns.map((c) => figureText({ ...c, value: figures?.[c.key] ?? null }));
  const headers = columns.map((c) => (c.unit ? `${c.label} (${c.unit})` : c.label));
  const rows =
    report.kind === 'month'
      ? d.daily.map((day) => [
          day.status === 'missing' ? day.date : `<a href="../dt=${day.date}/daily_report.html">${day.date}</a>`,
          statusBadge(day.status),
          ...cells(day.figures),
          percent(day.completeness),
        ])
      : d.months.map((m) => [
          m.figures ? `<a href="../month=${m.month}/monthly_report.html">${m.month}</a>` : m.month,
          statusBadge(m.status),
          `${m.days.succeeded} / ${m.days.inPeriod}`,
          ...cells(m.figures),
          percent(m.completeness),
        ]);
  const head =
    report.kind === 'month'
      ? ['day', 'status', ...headers, 'completeness']
      : ['month', 'status', 'days', ...headers, 'completeness'];
  const days = `<section class="tiles">${[
    tile(
      'Days',
      `${d.days.succeeded} of ${d.days.inPeriod}`,
      `${d.days.failed} failed${d.days.blocked > 0 ? ` (${d.days.blocked} blocked by a quality check, left out)` : ''}, ${d.days.missing + d.days.running} missing`,
    ),
    tile('Completeness', percent(d.completeness), 'mean over every day'),
  ].join('')}</section>`;
  return [
    `<section data-dataset="${escapeHtml(d.dataset)}"><h2>${escapeHtml(d.title)} ${statusBadge(d.status)}</h2>`,
    `<p>${escapeHtml(section.summary)}</p>`,
    days,
    sectionHtml(section),
    `<h3>${report.kind === 'month' ? 'Days' : 'Months'}</h3>`,
    table(head, rows),
    '</section>',
  ].join('\n');
}

/** The page of a period report; `sections` in the order of `report.datasets`; `absent`: titles of datasets without a day. */
export function periodReportHtml(
  report: PeriodReport,
  sections: readonly PeriodSection[],
  absent: readonly string[],
): string {
  const isMonth = report.kind === 'month';
  const name = isMonth ? longMonth(report.period) : report.period;
  const file = isMonth ? 'monthly_report' : 'annual_report';
  const nav: Array<readonly [string, string]> = [['All reports', '../index.html']];
  if (isMonth)
    nav.push([`Year ${report.period.slice(0, 4)}`, `../year=${report.period.slice(0, 4)}/annual_report.html`]);
  nav.push(['JSON', `${file}.json`], ['CSV', `${file}.csv`]);
  const blocks = report.datasets.map((d, i) => {
    const section = sections[i];
    return section ? datasetBlock(report, d, section) : '';
  });
  const none =
    absent.length > 0 ? `<p class="note">No data in this period for ${absent.map(escapeHtml).join(', ')}.</p>` : '';
  return page({
    kind: report.kind,
    title: `courant — ${name}`,
    subtitle: `${report.datasets.map((d) => `${d.title}: ${d.days.succeeded} of ${d.days.inPeriod} days`).join('; ') || 'No dataset has a day in this period'} (${report.status}).`,
    nav,
    notes: [...new Set(sections.flatMap((s) => s.notes ?? []))],
    body: `${statusBadge(report.status)}\n${blocks.join('\n')}\n${none}`,
  });
}
