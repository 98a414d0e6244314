/** Lists of Paris roadworks written by the tests, in the export's machine layout (what the snapshot asks for). */

export interface Work {
  readonly id: string;
  readonly starts: string;
  readonly ends: string;
  readonly impact?: string;
  readonly arrondissement?: string;
  readonly street?: string;
  readonly description?: string;
  readonly level?: string;
}

export const MACHINE_HEADER =
  'identifiant;cp_arrondissement;typologie;maitre_ouvrage;objet;description;voie;date_debut;date_fin;impact_circulation;niveau_perturbation;statut';

const quoted = (text: string) => (/[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** The list as the portal exports it with `use_labels=false`: BOM, CRLF between records, fields with a line break quoted. */
export function roadworksList(works: readonly Work[]): string {
  const rows = works.map((w) =>
    [
      w.id,
      w.arrondissement ?? '75011',
      '1',
      'Mairie de Paris',
      'REFECTION_CHAUSSEE',
      w.description ?? '',
      w.street ?? `rue ${w.id}`,
      w.starts,
      w.ends,
      w.impact ?? 'RESTREINTE',
      w.level ?? '1',
      '2',
    ]
      .map(quoted)
      .join(';'),
  );
  return `\uFEFF${MACHINE_HEADER}\r\n${rows.join('\r\n')}\r\n`;
}
