/**
 * Exports of the Paris traffic counters written by the tests, in the portal's machine layout, and
 * answers of the live dataset's range.
 */
import { parisDayBounds } from '../../src/workflow-safe/partition.js';

/**
 * The export of Paris day `date` for one arc: one row per hour ENDING in (D 00:00, D+1 00:00],
 * `q` vehicles each, newest first (the portal's rows are unsorted), CRLF.
 */
export function trafficDayExport(date: string, q = 100): string {
  const { start, end } = parisDayBounds(date);
  const ends: number[] = [];
  for (let at = start.getTime() + 3_600_000; at <= end.getTime(); at += 3_600_000) ends.push(at);
  return exportOf(ends.reverse(), q);
}

/** The export of a day without a counted hour: the header alone. */
export const EMPTY_TRAFFIC_EXPORT = 'iu_ac;libelle;t_1h;q;k;etat_trafic\r\n';

function exportOf(hourEnds: readonly number[], q: number): string {
  const rows = hourEnds.map(
    (at) => `4264;AV_Champs_Elysees;${new Date(at).toISOString()};${q.toFixed(1)};10.0;Fluide\r\n`,
  );
  return `${EMPTY_TRAFFIC_EXPORT}${rows.join('')}`;
}

/** A live dataset holding Paris days `first`..`last`: its first and last counted hours only (what its range reads). */
export function liveDatasetExport(first: string, last: string): string {
  return exportOf([parisDayBounds(first).start.getTime() + 3_600_000, parisDayBounds(last).end.getTime()], 100);
}

/** The records endpoint's answer of the range of a live dataset holding Paris days `first`..`last`. */
export function liveRangeAnswer(first: string, last: string): string {
  const utc = (at: number) => new Date(at).toISOString().replace('.000Z', '+00:00');
  return JSON.stringify({
    total_count: 1,
    results: [
      { first: utc(parisDayBounds(first).start.getTime() + 3_600_000), last: utc(parisDayBounds(last).end.getTime()) },
    ],
  });
}
