/** The backfill progress bar (a terminal) or progress lines (anything else), and the final summary. */
import type { BackfillProgress, BackfillSummary } from '../workflow-safe/backfill.js';

const BAR = 30;

export function progressLine(p: BackfillProgress): string {
  if (p.planning === true) return 'planning: reading the day records…';
  if (p.preparing !== undefined) return `preparing ${p.preparing} days of the import, fifty at a time…`;
  const skipped = p.skipped ?? 0;
  const finished = p.succeeded + p.failed + skipped;
  const filled = p.planned === 0 ? BAR : Math.round((finished / p.planned) * BAR);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}`;
  return `[${bar}] ${finished}/${p.planned} days · ${p.succeeded} succeeded · ${p.failed} failed${(p.failedDaysOmitted ?? 0) > 0 ? ` (${p.failedDaysOmitted} not listed)` : ''}${skipped > 0 ? ` · ${skipped} done elsewhere` : ''} · ${p.running.length} running · ${p.pending} pending${p.paused ? ' · PAUSED' : ''}`;
}

export function summaryTable(id: string, s: BackfillSummary): string {
  const rows = [
    ['backfill', id],
    ['planned', String(s.planned)],
    ['succeeded', String(s.succeeded)],
    ['failed', String(s.failed)],
    ...((s.skipped ?? 0) > 0 ? [['skipped', `${s.skipped} (finished by another run since the plan)`]] : []),
  ];
  const lines = rows.map(([k, v]) => `  ${(k ?? '').padEnd(10)} ${v ?? ''}`);
  if (s.failedDays.length > 0) {
    lines.push('  failed days:');
    for (const f of [...s.failedDays].sort((a, b) => a.date.localeCompare(b.date))) {
      lines.push(`    ${f.date}  ${f.message.slice(0, 160)}`);
    }
    if ((s.failedDaysOmitted ?? 0) > 0)
      lines.push(
        `    … and ${s.failedDaysOmitted} more (the backfill keeps the first ${s.failedDays.length}; courant status lists them all)`,
      );
    lines.push(`  re-run them once fixed: courant backfill --from … --to … --mode failed`);
  }
  return `${lines.join('\n')}\n`;
}

/** Compact list of days: consecutive days joined as ranges. */
export function dayRanges(days: readonly string[]): string {
  const out: string[] = [];
  let start: string | undefined;
  let prev: string | undefined;
  const next = (d: string) => new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);
  for (const d of days) {
    if (start !== undefined && prev !== undefined && next(prev) === d) {
      prev = d;
      continue;
    }
    if (start !== undefined && prev !== undefined) out.push(start === prev ? start : `${start}..${prev}`);
    start = d;
    prev = d;
  }
  if (start !== undefined && prev !== undefined) out.push(start === prev ? start : `${start}..${prev}`);
  return out.join(', ');
}
