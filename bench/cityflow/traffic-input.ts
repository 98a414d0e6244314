/**
 * A synthetic full network day of the Paris traffic counters for the bench, in the layout of the
 * export the module asks for (`iu_ac;libelle;t_1h;q;k;etat_trafic`, `;`, CRLF, `t_1h` the END of
 * the hour in UTC with its offset, rows unsorted): every arc has a row for each hour of the day,
 * and about half of the `q` are empty, as on the real network — most arcs are rarely available,
 * the others almost always. `k` drives `etat_trafic` by the portal's thresholds (Fluide < 15 %,
 * Pré-saturé < 30, Saturé < 50, Bloqué), `Inconnu` without `k`. Same seed, same bytes.
 */
import { writeFile } from 'node:fs/promises';
import { parisDayBounds } from '../../src/workflow-safe/partition.js';
import { seededRandom, seedOf } from '../lib/random.js';

const STREETS = ['Av_Champs_Elysees', 'Bd_Saint_Germain', 'Rue_de_Rivoli', 'Quai_de_la_Seine', 'Bd_Peripherique'];

const stateOf = (k: number) => (k < 15 ? 'Fluide' : k < 30 ? 'Pré-saturé' : k < 50 ? 'Saturé' : 'Bloqué');

/** Writes the day's export of `arcs` arcs to `file`; returns its rows and bytes. */
export async function trafficNetworkDay(
  file: string,
  date: string,
  arcs: number,
): Promise<{ rows: number; bytes: number; nullFlows: number }> {
  const random = seededRandom(seedOf(`traffic-${date}-${arcs}`));
  const { start, end } = parisDayBounds(date);
  const ids = new Set<number>();
  while (ids.size < arcs) ids.add(1 + Math.floor(random() * 9000));
  const lines: string[] = [];
  let nullFlows = 0;
  for (const id of ids) {
    const label = `${STREETS[id % STREETS.length] ?? ''}_${id}`;
    const available = random() < 0.45 ? 0.97 : 0.1;
    const capacity = 200 + random() * 2000;
    for (let at = start.getTime() + 3_600_000; at <= end.getTime(); at += 3_600_000) {
      const hour = new Date(at).getUTCHours();
      const load = 0.15 + 0.85 * Math.sin((Math.PI * hour) / 24) ** 2;
      const counted = random() < available;
      const q = counted ? (capacity * load * (0.8 + 0.4 * random())).toFixed(1) : '';
      const k = counted ? Math.min(99, load * 45 * (0.5 + random())).toFixed(2) : '';
      if (!counted) nullFlows += 1;
      const t1h = new Date(at).toISOString().replace('.000Z', '+00:00');
      lines.push(`${id};${label};${t1h};${q};${k};${k === '' ? '' : stateOf(Number(k))}`);
    }
  }
  for (let i = lines.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
  }
  const body = `iu_ac;libelle;t_1h;q;k;etat_trafic\r\n${lines.join('\r\n')}\r\n`;
  await writeFile(file, body);
  return { rows: lines.length, bytes: Buffer.byteLength(body), nullFlows };
}
