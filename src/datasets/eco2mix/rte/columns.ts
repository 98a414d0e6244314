/**
 * Header labels of RTE's downloadable eCO2mix files (`Consommation`, `Prévision J-1`, `Taux de Co2`,
 * `Hydraulique - Fil de l?eau + éclusée`, ` Stockage batterie`, …) → the ODRÉ export's machine
 * column names. Matched by name, never by position: columns were added over the years, and a
 * column courant does not know is ignored.
 */
import { normaliseHeaderLabel, REQUIRED_COLUMNS } from '../columns.js';
import { ECO2MIX_EXPORT_COLUMNS } from '../export-csv.js';

/** Columns of a file courant reads: the export's machine names, `date_heure` excepted (built from `date` + `heure`). */
export type RteColumn =
  | 'perimetre'
  | 'nature'
  | 'date'
  | 'heure'
  | 'consommation'
  | 'prevision_j1'
  | 'prevision_j'
  | 'fioul'
  | 'charbon'
  | 'gaz'
  | 'nucleaire'
  | 'eolien'
  | 'eolien_terrestre'
  | 'eolien_offshore'
  | 'solaire'
  | 'hydraulique'
  | 'pompage'
  | 'bioenergies'
  | 'ech_physiques'
  | 'taux_co2'
  | 'ech_comm_angleterre'
  | 'ech_comm_espagne'
  | 'ech_comm_italie'
  | 'ech_comm_suisse'
  | 'ech_comm_allemagne_belgique'
  | 'fioul_tac'
  | 'fioul_cogen'
  | 'fioul_autres'
  | 'gaz_tac'
  | 'gaz_cogen'
  | 'gaz_ccg'
  | 'gaz_autres'
  | 'hydraulique_fil_eau_eclusee'
  | 'hydraulique_lacs'
  | 'hydraulique_step_turbinage'
  | 'bioenergies_dechets'
  | 'bioenergies_biomasse'
  | 'bioenergies_biogaz'
  | 'stockage_batterie'
  | 'destockage_batterie';

/** Columns that are text; every other column is a measure (MW, `taux_co2` in gCO2/kWh). */
export const RTE_TEXT_COLUMNS: ReadonlySet<RteColumn> = new Set(['perimetre', 'nature', 'date', 'heure']);

/**
 * Normalised labels (see `normaliseHeaderLabel`) → columns. Labels whose words already are the
 * column name (`consommation`, `stockage_batterie`, `ech_comm_suisse`, …) need no entry.
 * `fil_de_l_eau`: the file's `’` is a literal `?` (Latin-1 has no `’`), which normalises like `'`.
 */
const RTE_ALIASES: Readonly<Record<string, RteColumn>> = {
  heures: 'heure',
  prevision_j_1: 'prevision_j1',
  taux_de_co2: 'taux_co2',
  hydraulique_fil_de_l_eau_eclusee: 'hydraulique_fil_eau_eclusee',
};

const RTE_COLUMNS: ReadonlySet<string> = new Set<string>(ECO2MIX_EXPORT_COLUMNS.filter((c) => c !== 'date_heure'));

/**
 * Columns a file must have, or it is refused: the day and time, and the measures every national
 * export has carried since 2012 (the same as the API export's required columns). Not required:
 * `perimetre`, `nature` (the file name then says which data it is), the details and the columns
 * added in the 2020s (onshore/offshore wind, batteries).
 */
export const RTE_REQUIRED_COLUMNS: readonly RteColumn[] = [
  'date',
  'heure',
  ...REQUIRED_COLUMNS.filter((c): c is Exclude<(typeof REQUIRED_COLUMNS)[number], 'date_heure'> => c !== 'date_heure'),
];

/** The column a header label of an RTE file stands for, or null for a column courant does not know. */
export function rteColumn(label: string): RteColumn | null {
  const normalised = normaliseHeaderLabel(label.replaceAll('?', "'"));
  const name = RTE_ALIASES[normalised] ?? normalised;
  return RTE_COLUMNS.has(name) ? (name as RteColumn) : null;
}
