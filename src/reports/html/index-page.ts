/**
 * `reports/index.html`: every year, month and day that has a report, newest first, with its
 * status and a link; the days of a month as a calendar coloured by status.
 */
import { parisDueTime } from '../../workflow-safe/freshness.js';
import { datesOfMonth, monthOf, yearOf } from '../../workflow-safe/periods.js';
import { escapeHtml, longMonth } from '../format.js';
import type { DayStatus } from '../period-report.js';
import { page, statusBadge, table } from './layout.js';

export interface IndexedPeriod {
  /** The period report's status (complete | partial | empty), or null when it has not been built. */
  readonly status: string | null;
}

export interface DatasetFreshness {
  readonly title: string;
  readonly newestSucceeded: string | null;
  /** The newest day due when the page was written. */
  readonly latestDue: string;
  readonly dueAt: Date;
}

export interface ReportIndexInput {
  /** Days with a day record, with their status across datasets. */
  readonly days: ReadonlyMap<string, Exclude<DayStatus, 'missing' | 'blocked'>>;
  readonly months: ReadonlyMap<string, IndexedPeriod>;
  readonly years: ReadonlyMap<string, IndexedPeriod>;
  readonly freshness: readonly DatasetFreshness[];
}

/** Each dataset's newest succeeded day against the newest day due: up to date, or late. */
function freshnessTable(rows: readonly DatasetFreshness[]): string {
  if (rows.length === 0) return '';
  const body = rows.map((f) => {
    const late = f.newestSucceeded === null || f.newestSucceeded < f.latestDue;
    return [
      escapeHtml(f.title),
      escapeHtml(f.newestSucceeded ?? 'none'),
      `${escapeHtml(f.latestDue)} <span class="note">(due ${escapeHtml(parisDueTime(f.dueAt))})</span>`,
      late ? '<span class="status failed">late</span>' : '<span class="status succeeded">up to date</span>',
    ];
  });
  return `<section data-freshness><h2>Freshness</h2>${table(['dataset', 'newest day', 'newest day due', 'freshness'], body)}</section>`;
}

function periodLine(label: string, href: string, period: IndexedPeriod | undefined): string {
  const link = period?.status ? `<a href="${href}">${escapeHtml(label)}</a>` : escapeHtml(label);
  return `${link} ${statusBadge(period?.status ?? 'missing')}`;
}

function calendar(month: string, days: ReportIndexInput['days']): string {
  const cells = datesOfMonth(month).map((date) => {
    const status = days.get(date);
    const day = String(Number(date.slice(8)));
    return status
      ? `<a data-day="${date}" class="${status}" href="dt=${date}/daily_report.html" title="${date}: ${status}">${day}</a>`
      : `<span class="missing" title="${date}: no run">${day}</span>`;
  });
  return `<div class="calendar">${cells.join('')}</div>`;
}

export function reportIndexHtml(input: ReportIndexInput): string {
  const months = [...new Set([...input.days.keys()].map(monthOf))].sort().reverse();
  const years = [...new Set(months.map(yearOf))];
  const sections = years.map((year) => {
    const ofYear = months.filter((m) => yearOf(m) === year);
    const items = ofYear.map(
      (month) =>
        `<section data-month="${month}"><h3>${periodLine(longMonth(month), `month=${month}/monthly_report.html`, input.months.get(month))}</h3>${calendar(month, input.days)}</section>`,
    );
    return `<section data-year="${year}"><h2>${periodLine(year, `year=${year}/annual_report.html`, input.years.get(year))}</h2>${items.join('')}</section>`;
  });
  const counts = { succeeded: 0, failed: 0, running: 0 };
  for (const status of input.days.values()) counts[status] += 1;
  return page({
    kind: 'index',
    title: 'courant — reports',
    subtitle: `${input.days.size} days (${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.running} running) in ${months.length} months.`,
    nav: [],
    body: [
      freshnessTable(input.freshness),
      sections.length > 0 ? sections.join('\n') : '<p class="note">No day has run yet.</p>',
    ].join('\n'),
  });
}
