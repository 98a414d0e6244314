/**
 * The one script of an HTML page: on hover or tap of a chart's point, column or bar, a tooltip
 * with the instant (or category) and the values, taken from the element's `<title>` (which
 * readers without script see as the browser's own tooltip). Allowed by its hash in the page's
 * Content-Security-Policy, so the page stays self-contained and runs no other script.
 */
import { createHash } from 'node:crypto';

export const TOOLTIP_SCRIPT = [
  '(function(){',
  "var tip=document.createElement('div');tip.className='chart-tip';tip.setAttribute('role','status');tip.hidden=true;",
  'document.body.appendChild(tip);',
  "var targets=document.querySelectorAll('figure.chart svg .hover,figure.chart svg .bar');",
  "for(var i=0;i<targets.length;i++){var t=targets[i].querySelector('title');",
  "if(t){targets[i].setAttribute('data-tip',t.textContent);t.remove();}}",
  "function show(e){var el=e.target&&e.target.closest?e.target.closest('[data-tip]'):null;",
  "if(!el){tip.hidden=true;return;}tip.textContent=el.getAttribute('data-tip');tip.hidden=false;",
  'var x=e.clientX+14,y=e.clientY+14;if(x+tip.offsetWidth>innerWidth)x=Math.max(0,e.clientX-tip.offsetWidth-14);',
  'if(y+tip.offsetHeight>innerHeight)y=Math.max(0,e.clientY-tip.offsetHeight-14);',
  "tip.style.left=x+'px';tip.style.top=y+'px';}",
  "document.addEventListener('pointermove',show);document.addEventListener('pointerdown',show);",
  "document.addEventListener('pointerleave',function(){tip.hidden=true;});",
  '})();',
].join('');

/** The CSP source that allows the tooltip script and nothing else: `'sha256-…'`. */
export const TOOLTIP_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(TOOLTIP_SCRIPT).digest('base64')}'`;

/** The Content-Security-Policy of a stored report: no fetch of any kind, no script but the tooltip's. */
export const REPORT_CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${TOOLTIP_SCRIPT_SOURCE}`;

/** Styles of the tooltip, part of every page's CSS. */
export const TOOLTIP_CSS =
  '.chart-tip{position:fixed;z-index:10;pointer-events:none;background:#1b1f24;color:#fff;padding:4px 8px;border-radius:4px;font-size:.8rem;line-height:1.35;white-space:pre-line;max-width:320px}.chart-tip[hidden]{display:none}';
