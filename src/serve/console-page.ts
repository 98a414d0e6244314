/**
 * The page of every console view: the reports' styles and tooltip script (allowed by hash, see
 * reports/html/tooltip.ts), links to the grid, the reports and the API, no external asset.
 */
import { DAY_STATUSES, DAY_STATUS_COLOUR } from '../day-status/status.js';
import { escapeHtml } from '../reports/format.js';
import { CSS } from '../reports/html/layout.js';
import { TOOLTIP_SCRIPT } from '../reports/html/tooltip.js';

const CONSOLE_CSS = `
main{max-width:1200px}
form.range{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:8px 0}
form.range label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
.grid-wrap{overflow:auto;max-height:75vh}
table.grid td,table.grid th{text-align:center;padding:0}
table.grid th{position:sticky;top:0;background:var(--bg);font-size:.75rem;padding:2px 6px}
table.grid td:first-child{text-align:left;padding:0 8px;font-variant-numeric:tabular-nums}
table.grid td a{display:block;min-width:44px;height:18px;line-height:18px;text-decoration:none;color:#fff;font-size:.7rem}
${DAY_STATUSES.map((s) => `.s-${s}{background:${DAY_STATUS_COLOUR[s].css}}`).join('')}
.keys{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.8rem;list-style:none;padding:0}
.keys span{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-2px}
section.record{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:12px 0}
section.record h2{font-size:1.1rem;margin:.2rem 0}
pre.command{background:var(--panel);padding:6px 8px;border-radius:4px;white-space:pre-wrap}
.error{color:var(--bad)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:.9rem}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
td .text{white-space:normal;text-align:left;min-width:24em}
`;

export interface ConsolePageOptions {
  readonly title: string;
  readonly subtitle: string;
  readonly body: string;
  /** `data-page` of the body: grid | day. */
  readonly kind: string;
}

export function consolePage(options: ConsolePageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · courant</title>
<style>${CSS}${CONSOLE_CSS}</style>
</head>
<body data-page="${escapeHtml(options.kind)}">
<main>
<header>
<nav><a href="/">Days</a><a href="/reports/index.html">Reports</a><a href="/api/v1/openapi.json">API</a></nav>
<h1>${escapeHtml(options.title)}</h1>
<p>${escapeHtml(options.subtitle)}</p>
</header>
${options.body}
</main>
<script>${TOOLTIP_SCRIPT}</script>
</body>
</html>
`;
}
