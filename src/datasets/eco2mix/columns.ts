/**
 * Header names → canonical column names. Exports come with machine names (`use_labels=false`:
 * `date_heure`, `prevision_j1`, `taux_co2`) or French labels with units (`Date - Heure` in 2021,
 * `Date et Heure` later, `Prévision J-1 (MW)`, `Taux de CO2 (g/kWh)`); columns are matched by name,
 * never by position, and columns courant does not keep are ignored.
 */
import { ECO2MIX_MEASURES, type Eco2mixMeasure } from './record.js';

export type Eco2mixColumnName = 'date_heure' | 'nature' | Eco2mixMeasure;

/**
 * Columns a national export must have, or the file is refused. They are the columns every national
 * export has carried since 2012 (API and label exports alike) and that the metrics read; a file
 * without one of them is another dataset (the regional one has no `taux_co2`) or a truncated
 * export, and reading it would silently turn a whole measure into nulls.
 * Not required: `nature` (descriptive only) and the four columns added in the 2020s
 * (`eolien_terrestre`, `eolien_offshore`, `stockage_batterie`, `destockage_batterie`), absent
 * from older exports; a missing optional column reads as null.
 */
const OPTIONAL_MEASURES: ReadonlySet<string> = new Set([
  'eolien_terrestre',
  'eolien_offshore',
  'stockage_batterie',
  'destockage_batterie',
]);

export const REQUIRED_COLUMNS: readonly Eco2mixColumnName[] = [
  'date_heure',
  ...ECO2MIX_MEASURES.filter((measure) => !OPTIONAL_MEASURES.has(measure)),
];

const KNOWN_COLUMNS: ReadonlySet<string> = new Set<string>(['date_heure', 'nature', ...ECO2MIX_MEASURES]);

/** Normalised labels whose canonical name differs from the label's words. */
const ALIASES: Readonly<Record<string, Eco2mixColumnName>> = {
  date_et_heure: 'date_heure',
  prevision_j_1: 'prevision_j1',
  taux_de_co2: 'taux_co2',
};

/** `Prévision J-1 (MW)` → `prevision_j_1`: no accents, no unit, lower case, words joined by `_`. */
export function normaliseHeaderLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function isKnownColumn(name: string): name is Eco2mixColumnName {
  return KNOWN_COLUMNS.has(name);
}

/** The canonical column a header label stands for, or null for a column courant does not keep. */
export function canonicalColumn(label: string): Eco2mixColumnName | null {
  const normalised = normaliseHeaderLabel(label);
  const name = ALIASES[normalised] ?? normalised;
  return isKnownColumn(name) ? name : null;
}
