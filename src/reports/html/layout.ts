/**
 * The page every HTML report shares: self-contained (inline CSS, inline SVG, one inline script for
 * the chart tooltips, a Content-Security-Policy that forbids any fetch and any other script),
 * readable on a phone, stating the units and what a day is.
 */
import { escapeHtml } from '../format.js';
import { REPORT_CSP, TOOLTIP_CSS, TOOLTIP_SCRIPT } from './tooltip.js';

export const DAY_DEFINITION =
  'A day is a calendar day in Europe/Paris: from 00:00 to 24:00 Paris time, so 23 hours on the last Sunday of March and 25 hours on the last Sunday of October. Times are Paris times.';

export const CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#5d6670;--line:#d9dee3;--bg:#fff;--panel:#f5f7f9;--ok:#2a9d4b;--bad:#c0392b;--run:#d68910;--none:#b9c0c7}
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:960px;margin:0 auto;padding:12px 14px 40px}
header h1{font-size:1.45rem;margin:.3rem 0 .1rem}
header p{margin:.1rem 0;color:var(--muted)}
nav{font-size:.9rem;margin:.2rem 0 .6rem}
nav a{margin-right:.9rem}
a{color:#1f5fa8}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:12px 0}
.tile{background:var(--panel);border-radius:8px;padding:8px 10px}
.tile .label{display:block;font-size:.78rem;color:var(--muted)}
.tile .value{font-size:1.15rem;font-weight:600}
.tile .sub{display:block;font-size:.78rem;color:var(--muted)}
figure.chart{margin:18px 0;padding:0}
figure.chart figcaption{font-size:.95rem;margin-bottom:4px}
figure.chart figcaption span{color:var(--muted);font-size:.85rem}
figure.chart svg{width:100%;height:auto;display:block;overflow:visible}
.legend{list-style:none;margin:2px 0 4px;padding:0;display:flex;flex-wrap:wrap;gap:2px 12px;font-size:.8rem;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:5px}
.swatch{display:inline-block;width:14px;height:10px;border-radius:2px;background:var(--c)}
.swatch.dashed{height:0;border-top:3px dashed var(--c);background:none}
.swatch.points{width:10px;height:10px;border-radius:50%}
svg .grid{stroke:#e6e9ec;stroke-width:1}
svg .grid.zero,svg .baseline{stroke:#9aa3ab;stroke-width:1}
svg .tick,svg .unit{font-size:13px;fill:var(--muted)}
svg .line{fill:none;stroke:var(--c);stroke-width:2;stroke-linejoin:round}
svg .line.dashed{stroke-dasharray:6 4}
svg .points{fill:var(--c);stroke:#fff;stroke-width:1}
svg .area{fill:var(--c);stroke:#fff;stroke-width:.4}
svg .bars{fill:var(--c)}
svg .bar:hover{opacity:.75}
svg .hover{fill:transparent}
svg .hover:hover{fill:rgba(0,0,0,.06)}
.note{color:var(--muted);font-size:.85rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;min-width:100%}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
.status{font-weight:600}
.status.succeeded,.status.complete{color:var(--ok)}
.status.failed,.status.blocked{color:var(--bad)}
.status.running,.status.partial{color:var(--run)}
.status.missing,.status.empty{color:var(--none)}
.calendar{display:grid;grid-template-columns:repeat(auto-fill,minmax(34px,1fr));gap:3px;margin:6px 0 12px}
.calendar a,.calendar span{display:block;text-align:center;padding:5px 0;border-radius:4px;font-size:.8rem;text-decoration:none;color:#fff}
.calendar .succeeded{background:var(--ok)}.calendar .failed{background:var(--bad)}.calendar .running{background:var(--run)}.calendar .missing{background:var(--none)}
details{margin:6px 0}
summary{cursor:pointer}
footer{margin-top:28px;font-size:.8rem;color:var(--muted)}
${TOOLTIP_CSS}
@media (max-width:520px){body{font-size:15px}header h1{font-size:1.2rem}svg .tick,svg .unit{font-size:21px}svg .tick.wide-only{display:none}}
`;

export interface PageOptions {
  readonly title: string;
  readonly subtitle: string;
  /** Links above the content: label → relative URL. */
  readonly nav: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
  /** `data-report` of the body: day | month | year | index. */
  readonly kind: string;
  /** Lines of the footer after the definition of a day: units and sources of the datasets shown. */
  readonly notes?: readonly string[];
}

/** A whole HTML document. */
export function page(options: PageOptions): string {
  const nav = options.nav.map(([label, href]) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
</head>
<body data-report="${escapeHtml(options.kind)}">
<main>
<header>
<nav>${nav}</nav>
<h1>${escapeHtml(options.title)}</h1>
<p>${escapeHtml(options.subtitle)}</p>
</header>
${options.body}
<footer><p>${escapeHtml(DAY_DEFINITION)}</p>${(options.notes ?? []).map((note) => `<p>${escapeHtml(note)}</p>`).join('')}</footer>
</main>
<script>${TOOLTIP_SCRIPT}</script>
</body>
</html>
`;
}

/** A summary tile: label, value, optional line under it. */
export function tile(label: string, value: string, sub?: string): string {
  return `<div class="tile"><span class="label">${escapeHtml(label)}</span><span class="value">${escapeHtml(value)}</span>${sub ? `<span class="sub">${escapeHtml(sub)}</span>` : ''}</div>`;
}

/** A table with a header row; cells are already-escaped HTML. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A status word with its colour class. */
export function statusBadge(status: string): string {
  return `<span class="status ${escapeHtml(status)}">${escapeHtml(status)}</span>`;
}
