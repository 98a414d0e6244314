/** Exports of the Paris traffic counters written by the tests, in the portal's machine layout. */
import { parisDayBounds } from '../../src/shared/partition.js';

/**
 * The export of Paris day `date` for one arc: one row per hour ENDING in (D 00:00, D+1 00:00],
 * `q` vehicles each, newest first (the portal's rows are unsorted), CRLF.
 */
export function trafficDayExport(date: string, q = 100): string {
  const { start, end } = parisDayBounds(date);
  const rows: string[] = [];
  for (let at = start.getTime() + 3_600_000; at <= end.getTime(); at += 3_600_000)
    rows.push(`4264;AV_Champs_Elysees;${new Date(at).toISOString()};${q.toFixed(1)};10.0;Fluide`);
  return `iu_ac;libelle;t_1h;q;k;etat_trafic\r\n${rows.reverse().join('\r\n')}\r\n`;
}
