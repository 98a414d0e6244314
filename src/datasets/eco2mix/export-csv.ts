/**
 * Builds what the ODRÉ `/exports/csv?use_labels=false&delimiter=;&timezone=UTC` endpoint returns
 * from API records or from rows of a portal label export. Used by the demo and by tests.
 */

/** Columns of the export with `use_labels=false`, in the order the API writes them. */
export const ECO2MIX_EXPORT_COLUMNS = [
  'perimetre',
  'nature',
  'date',
  'heure',
  'date_heure',
  'consommation',
  'prevision_j1',
  'prevision_j',
  'fioul',
  'charbon',
  'gaz',
  'nucleaire',
  'eolien',
  'eolien_terrestre',
  'eolien_offshore',
  'solaire',
  'hydraulique',
  'pompage',
  'bioenergies',
  'ech_physiques',
  'taux_co2',
  'ech_comm_angleterre',
  'ech_comm_espagne',
  'ech_comm_italie',
  'ech_comm_suisse',
  'ech_comm_allemagne_belgique',
  'fioul_tac',
  'fioul_cogen',
  'fioul_autres',
  'gaz_tac',
  'gaz_cogen',
  'gaz_ccg',
  'gaz_autres',
  'hydraulique_fil_eau_eclusee',
  'hydraulique_lacs',
  'hydraulique_step_turbinage',
  'bioenergies_dechets',
  'bioenergies_biomasse',
  'bioenergies_biogaz',
  'stockage_batterie',
  'destockage_batterie',
] as const;

export type ApiRecord = Record<string, unknown>;

export function asApiRecord(value: unknown): ApiRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`expected an ODRÉ record object, got ${JSON.stringify(value)}`);
  }
  return value as ApiRecord;
}

export function instantOf(record: ApiRecord): number {
  const value = record['date_heure'];
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) throw new TypeError(`record has no valid date_heure: ${JSON.stringify(value)}`);
  return at;
}

/** `2025-08-22T00:45:00+00:00`: how the export prints an instant with `timezone=UTC`. */
function utcExportInstant(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new TypeError(`cannot write ${JSON.stringify(value)} in a CSV cell`);
  return /[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export interface ExportCsvOptions {
  /** Start with a UTF-8 BOM like the API's default `with_bom=true` (default true). */
  readonly bom?: boolean;
  /** Sort rows by instant like `order_by=date_heure` (default true). */
  readonly ordered?: boolean;
}

/**
 * ODRÉ `/records` results → the text of `/exports/csv?use_labels=false&delimiter=;&timezone=UTC`:
 * BOM, `;`, CRLF line ends (as the portal's exports), the machine header in API order, nulls as empty
 * cells, `date_heure` printed in UTC as `…+00:00`.
 */
export function apiRecordsToExportCsv(records: unknown[], options: ExportCsvOptions = {}): string {
  const rows = records.map(asApiRecord);
  if (options.ordered ?? true) rows.sort((a, b) => instantOf(a) - instantOf(b));
  const lines = [ECO2MIX_EXPORT_COLUMNS.join(';')];
  for (const row of rows) {
    const cells = ECO2MIX_EXPORT_COLUMNS.map((column) =>
      column === 'date_heure' ? utcExportInstant(instantOf(row)) : csvCell(row[column]),
    );
    lines.push(cells.join(';'));
  }
  return `${(options.bom ?? true) ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** Label headers of the 2021 portal export → API column names. */
const LABEL_2021_TO_API: Readonly<Record<string, string>> = {
  Périmètre: 'perimetre',
  Nature: 'nature',
  Date: 'date',
  Heure: 'heure',
  'Date - Heure': 'date_heure',
  'Consommation (MW)': 'consommation',
  'Prévision J-1 (MW)': 'prevision_j1',
  'Prévision J (MW)': 'prevision_j',
  'Fioul (MW)': 'fioul',
  'Charbon (MW)': 'charbon',
  'Gaz (MW)': 'gaz',
  'Nucléaire (MW)': 'nucleaire',
  'Eolien (MW)': 'eolien',
  'Solaire (MW)': 'solaire',
  'Hydraulique (MW)': 'hydraulique',
  'Pompage (MW)': 'pompage',
  'Bioénergies (MW)': 'bioenergies',
  'Ech. physiques (MW)': 'ech_physiques',
  'Taux de CO2 (g/kWh)': 'taux_co2',
  'Ech. comm. Angleterre (MW)': 'ech_comm_angleterre',
  'Ech. comm. Espagne (MW)': 'ech_comm_espagne',
  'Ech. comm. Italie (MW)': 'ech_comm_italie',
  'Ech. comm. Suisse (MW)': 'ech_comm_suisse',
  'Ech. comm. Allemagne-Belgique (MW)': 'ech_comm_allemagne_belgique',
  'Fioul - TAC (MW)': 'fioul_tac',
  'Fioul - Cogénération (MW)': 'fioul_cogen',
  'Fioul - Autres (MW)': 'fioul_autres',
  'Gaz - TAC (MW)': 'gaz_tac',
  'Gaz - Cogénération (MW)': 'gaz_cogen',
  'Gaz - CCG (MW)': 'gaz_ccg',
  'Gaz - Autres (MW)': 'gaz_autres',
  "Hydraulique - Fil de l'eau + éclusée (MW)": 'hydraulique_fil_eau_eclusee',
  'Hydraulique - Lacs (MW)': 'hydraulique_lacs',
  'Hydraulique - STEP turbinage (MW)': 'hydraulique_step_turbinage',
  'Bioénergies - Déchets (MW)': 'bioenergies_dechets',
  'Bioénergies - Biomasse (MW)': 'bioenergies_biomasse',
  'Bioénergies - Biogaz (MW)': 'bioenergies_biogaz',
};

/** One row of the 2021 label export (French headers) → an ODRÉ API record. */
export function labelRowToApiRecord(row: Record<string, string>): ApiRecord {
  const out: ApiRecord = {};
  for (const [label, value] of Object.entries(row)) {
    const column = LABEL_2021_TO_API[label];
    if (column === undefined) throw new TypeError(`unexpected column "${label}" in the 2021 label export`);
    out[column] = value === '' ? null : value;
  }
  return out;
}
