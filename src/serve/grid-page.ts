/** `/`: the days × datasets grid of a range, coloured by status, with the range picker and each dataset's freshness. */
import { escapeHtml } from '../reports/format.js';
import { consolePage } from './console-page.js';
import { countStatuses, DAY_STATUSES, DAY_STATUS_LABEL, DAY_STATUS_SYMBOL } from '../day-status/status.js';
import { cellKey } from '../day-status/cells.js';
import type { DayGrid, Freshness } from '../day-status/grid.js';

function freshnessLine(f: Freshness): string {
  const last = f.lastSucceeded ?? 'none in this range';
  const state =
    f.latestDue === null
      ? 'never late'
      : f.behindDays === null
        ? `no day up to ${f.latestDue}`
        : f.behindDays === 0
          ? 'up to date'
          : `${f.behindDays} day${f.behindDays > 1 ? 's' : ''} behind (due up to ${f.latestDue})`;
  return `<tr data-freshness="${escapeHtml(f.dataset)}"><td>${escapeHtml(f.dataset)}</td><td>${escapeHtml(last)}</td><td>${escapeHtml(state)}</td></tr>`;
}

export function gridPage(grid: DayGrid, range: { from: string; to: string }): string {
  const counts = countStatuses(grid.cells.values());
  const keys = DAY_STATUSES.map((s) => `<li><span class="s-${s}"></span>${DAY_STATUS_LABEL[s]} ${counts[s]}</li>`).join(
    '',
  );
  const head = `<tr><th>day</th>${grid.datasets.map((d) => `<th>${escapeHtml(d)}</th>`).join('')}</tr>`;
  const rows: string[] = [];
  for (let i = grid.dates.length - 1; i >= 0; i -= 1) {
    const date = grid.dates[i] ?? '';
    const cells = grid.datasets.map((dataset) => {
      const status = grid.cells.get(cellKey(dataset, date))?.status ?? 'missing';
      return `<td><a class="s-${status}" href="/days/${date}#${dataset}" title="${dataset} ${date}: ${DAY_STATUS_LABEL[status]}">${DAY_STATUS_SYMBOL[status]}</a></td>`;
    });
    rows.push(`<tr><td>${date}</td>${cells.join('')}</tr>`);
  }
  const body =
    `<form class="range" method="get" action="/">` +
    `<label>from<input type="date" name="from" value="${range.from}" required></label>` +
    `<label>to<input type="date" name="to" value="${range.to}" required></label>` +
    `<button type="submit">Show</button></form>` +
    `<h2>Freshness</h2>` +
    `<div class="table-wrap"><table><thead><tr><th>dataset</th><th>newest succeeded day</th><th>state</th></tr></thead>` +
    `<tbody>${grid.freshness.map(freshnessLine).join('')}</tbody></table></div>` +
    `<ul class="keys">${keys}</ul>` +
    `<div class="grid-wrap"><table class="grid"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
  return consolePage({
    title: 'Days',
    subtitle: `${range.from} to ${range.to}: ${grid.dates.length} days × ${grid.datasets.length} datasets, newest first. Late: no record past the dataset's due time.`,
    body,
    kind: 'grid',
  });
}
