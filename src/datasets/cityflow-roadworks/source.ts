/**
 * Where the Paris roadworks come from: the portal's `chantiers-perturbants` dataset, a CURRENT list
 * (finished works disappear, dates are revised), so a day is known only from a snapshot of the list
 * taken during it. The export asks only for the fields read, never the geometry; columns are found
 * by name, machine names or the portal's labels (a label export reads the same).
 */
import { BadDataError } from '../../workflow-safe/errors.js';
import type { SnapshotSource } from '../capabilities/snapshots.js';
import type { RoadworksConfig } from './config.js';

export const ROADWORKS_DATASET_ID = 'chantiers-perturbants';

/** The snapshot source of the list, taken once a Paris day. */
export const ROADWORKS_SOURCE = 'roadworks';

/** Each column of the `roadworks` table: the API name, and the label the portal's label exports use, of its field. */
export const ROADWORKS_FIELDS = {
  id: ['identifiant', 'Identifiant'],
  arrondissement: ['cp_arrondissement', "Code postal de l'arrondissement"],
  typology: ['typologie', 'Typologie'],
  owner: ['maitre_ouvrage', "Maitre d'ouvrage"],
  object: ['objet', 'Objet'],
  description: ['description', 'Description'],
  street: ['voie', 'Voie(s)'],
  starts: ['date_debut', 'Date de début'],
  ends: ['date_fin', 'Date de fin'],
  impact: ['impact_circulation', 'Impact sur la circulation'],
  level: ['niveau_perturbation', 'Niveau de perturbation'],
  status: ['statut', 'Statut'],
} as const;

export type RoadworksField = keyof typeof ROADWORKS_FIELDS;

const apiNames = () => Object.values(ROADWORKS_FIELDS).map(([api]) => api);

/** The export of the whole list: the fields read, machine names, `;`. */
export function roadworksExportUrl(baseUrl: string): string {
  const query = new URLSearchParams({ select: apiNames().join(','), delimiter: ';', use_labels: 'false' });
  return `${baseUrl.replace(/\/+$/, '')}/api/explore/v2.1/catalog/datasets/${ROADWORKS_DATASET_ID}/exports/csv?${query.toString()}`;
}

/** The names of a header line's columns, without BOM and quotes. */
export function namesOf(header: string): string[] {
  return header
    .replace(/^\uFEFF/, '')
    .split(';')
    .map((name) => name.trim().replace(/^"|"$/g, ''));
}

/** The position of each field among the header's columns; a BadDataError naming line 1 and the missing fields otherwise. */
export function columnsOf(header: string, file: string): Record<RoadworksField, number> {
  const names = namesOf(header);
  const found = Object.entries(ROADWORKS_FIELDS).map(
    ([field, spellings]) =>
      [field, names.findIndex((name) => (spellings as readonly string[]).includes(name))] as const,
  );
  const missing = found.filter(([, at]) => at < 0).map(([field]) => ROADWORKS_FIELDS[field as RoadworksField][0]);
  if (missing.length > 0)
    throw new BadDataError(
      { file, line: 1, column: missing.join(', ') },
      `the header lacks the roadworks fields ${missing.join(', ')} (expected ${apiNames().join(', ')}, or the portal's labels)`,
    );
  return Object.fromEntries(found) as Record<RoadworksField, number>;
}

/** Refuses a body that is not an export of the list: a page, or a header without the fields read. */
export function checkRoadworksBody(body: Uint8Array, file: string): void {
  const head = new TextDecoder().decode(body.subarray(0, 4096)).replace(/^\uFEFF/, '');
  if (/^\s*</.test(head)) throw new BadDataError({ file }, 'the source answered a page, not a CSV export');
  columnsOf(head.split(/\r?\n/, 1)[0] ?? '', file);
}

/** The list, taken once a Paris day by the snapshot collector. */
export const roadworksSnapshot: SnapshotSource<RoadworksConfig> = {
  source: ROADWORKS_SOURCE,
  extension: 'csv',
  every: 'day',
  url: (config) => roadworksExportUrl(config.baseUrl),
  check: checkRoadworksBody,
};
