/**
 * Where the Paris traffic counters come from: the portal's `comptages-routiers-permanents` dataset,
 * one CSV export per Paris day with only the fields courant reads (the geometry columns would make
 * a day's export gigabytes). Its `t_1h` is the END of the counted hour, so Paris day D is
 * `t_1h` in (D 00:00, D+1 00:00] — asked for as UTC bounds.
 */
import { parisDayBounds } from '../../workflow-safe/partition.js';

export const TRAFFIC_DATASET_ID = 'comptages-routiers-permanents';
/** The day's export (`raw/cityflow-traffic/dt={date}/traffic.csv`). */
export const TRAFFIC_SOURCE = 'traffic';

/** API names, and the labels the portal's label exports use, of the fields read. */
export const TRAFFIC_FIELDS = {
  arc: ['iu_ac', 'Identifiant arc'],
  label: ['libelle', 'Libelle'],
  hourEnd: ['t_1h', 'Date et heure de comptage'],
  flow: ['q', 'Débit horaire'],
  occupancy: ['k', "Taux d'occupation"],
  state: ['etat_trafic', 'Etat trafic'],
} as const;

export type TrafficField = keyof typeof TRAFFIC_FIELDS;

const odsql = (instant: Date) => instant.toISOString().replace('.000Z', 'Z');

/** The export URL of Paris day `date`: `t_1h` in (D 00:00, D+1 00:00] Paris, machine names, `;`, UTC. */
export function trafficExportUrl(baseUrl: string, date: string): string {
  const { start, end } = parisDayBounds(date);
  const query = new URLSearchParams({
    select: Object.values(TRAFFIC_FIELDS)
      .map(([api]) => api)
      .join(','),
    where: `t_1h > '${odsql(start)}' AND t_1h <= '${odsql(end)}'`,
    timezone: 'UTC',
    delimiter: ';',
    use_labels: 'false',
  });
  return `${baseUrl.replace(/\/+$/, '')}/api/explore/v2.1/catalog/datasets/${TRAFFIC_DATASET_ID}/exports/csv?${query.toString()}`;
}
