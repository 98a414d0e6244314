/**
 * `reports/index.html`: every year, month and day that has a report, newest first, with its
 * status and a link; the days of a month as a calendar coloured by status.
 */
import { datesOfMonth, monthOf, yearOf } from '../../shared/periods.js';
import { escapeHtml, longMonth } from '../format.js';
import type { DayStatus } from '../period-report.js';
import { page, statusBadge } from './layout.js';

export interface IndexedPeriod {
  /** The period report's status (complete | partial | empty), or null when it has not been built. */
  readonly status: string | null;
}

export interface ReportIndexInput {
  /** Days with a day record, with their status across datasets. */
  readonly days: ReadonlyMap<string, Exclude<DayStatus, 'missing'>>;
  readonly months: ReadonlyMap<string, IndexedPeriod>;
  readonly years: ReadonlyMap<string, IndexedPeriod>;
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
    body: sections.length > 0 ? sections.join('\n') : '<p class="note">No day has run yet.</p>',
  });
}
