/** What `courant status` says of each eCO2mix day: the nature of its data, and what its last revision changed. */
import type { DayDocument, StatusNote } from '../capabilities/status-notes.js';
import { NATURE_WORDS } from './nature.js';
import { dayNature } from './revisions.js';

function revisionWords(metrics: Readonly<Record<string, unknown>>): string {
  const revision = metrics.revision as
    { previous?: { nature?: unknown }; change?: { energyPct?: unknown }; held?: { reason?: unknown } } | undefined;
  const parts: string[] = [];
  const pct = revision?.change?.energyPct;
  if (typeof pct === 'number' && typeof revision?.previous?.nature === 'string')
    parts.push(`revised from ${revision.previous.nature}: energy ${pct >= 0 ? '+' : ''}${pct.toFixed(2)} %`);
  if (typeof revision?.held?.reason === 'string') parts.push(revision.held.reason);
  return parts.map((p) => `; ${p}`).join('');
}

export function eco2mixStatusNotes(days: readonly DayDocument[]): StatusNote[] {
  return days.flatMap((day) => {
    const nature = dayNature(day.metrics);
    return nature === null ? [] : [{ date: day.date, note: `${NATURE_WORDS[nature]}${revisionWords(day.metrics)}` }];
  });
}
