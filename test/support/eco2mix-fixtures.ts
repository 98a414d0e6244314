/**
 * eCO2mix test inputs built from the real samples in test/fixtures/eco2mix (see PROVENANCE.md):
 * the ODRÉ CSV export as `/exports/csv?use_labels=false&delimiter=;&timezone=UTC` returns it,
 * a consolidated export derived from real-time rows, and the expected headline metrics.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { ECO2MIX_MEASURES, type Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';

const FIXTURES = new URL('../fixtures/eco2mix/', import.meta.url);

export const ECO2MIX_FIXTURE_FILES = {
  records2025: 'ellebihan_odre_eco2mix-national-tr_records_2025-08-22.json',
  labels2021: 'mathis-grsst_odre_eco2mix-national-tr_export_labels_2021-12.csv',
  consDef2024: 'lifelongcompany_odre_eco2mix-national-cons-def_export_labels_2024-01_EXCERPT.csv',
} as const;

/** Absolute path of a file in test/fixtures/eco2mix. */
export function eco2mixFixturePath(name: string): string {
  return fileURLToPath(new URL(name, FIXTURES));
}

/** Text of a file in test/fixtures/eco2mix. */
export function readEco2mixFixture(name: string): string {
  return readFileSync(eco2mixFixturePath(name), 'utf8');
}

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

/** Columns that are not measures: kept as they are on the forecast-only rows of a consolidated export. */
const DESCRIPTIVE_COLUMNS: ReadonlySet<string> = new Set([
  'perimetre',
  'nature',
  'date',
  'heure',
  'date_heure',
  'prevision_j1',
  'prevision_j',
]);

type ApiRecord = Record<string, unknown>;

function asApiRecord(value: unknown): ApiRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`expected an ODRÉ record object, got ${JSON.stringify(value)}`);
  }
  return value as ApiRecord;
}

function instantOf(record: ApiRecord): number {
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

/** The 96 real-time records of the UTC day 2025-08-22 (ODRÉ `/records` JSON), in file order. */
export function loadSampleRecords(): ApiRecord[] {
  const parsed: unknown = JSON.parse(readEco2mixFixture(ECO2MIX_FIXTURE_FILES.records2025));
  if (!Array.isArray(parsed)) throw new TypeError('the 2025-08-22 sample is not a JSON array');
  return parsed.map(asApiRecord);
}

/** MW added to consumption on the consolidated :00/:30 rows, so that tests can see which source won. */
export const CONSOLIDATED_CONSUMPTION_SHIFT_MW = 100;

/**
 * A consolidated export derived from real-time records, deterministically: nature `Données
 * consolidées`; :00/:30 rows keep every value with consommation + 100 MW; :15/:45 rows keep only
 * `prevision_j1` and `prevision_j`, every other measure empty (the shape of the real cons-def export).
 */
export function consolidatedRecordsFrom(realtime: unknown[]): ApiRecord[] {
  return realtime.map(asApiRecord).map((record) => {
    const out: ApiRecord = { ...record, nature: 'Données consolidées' };
    if (new Date(instantOf(record)).getUTCMinutes() % 30 === 0) {
      const consumption = record['consommation'];
      out['consommation'] = typeof consumption === 'number' ? consumption + CONSOLIDATED_CONSUMPTION_SHIFT_MW : null;
      return out;
    }
    for (const column of ECO2MIX_EXPORT_COLUMNS) if (!DESCRIPTIVE_COLUMNS.has(column)) out[column] = null;
    return out;
  });
}

/** Headline metrics a test can assert for a sample day. */
export interface ExpectedHeadline {
  readonly source: 'realtime' | 'consolidated' | 'mixed';
  readonly stepMinutes: 15 | 30;
  readonly points: number;
  readonly expectedPoints: number;
  readonly completeness: number;
  readonly energyMWh: number;
  readonly peakMW: number;
  readonly peakAt: string;
  readonly minMW: number;
  readonly minAt: string;
}

export interface SampleDay {
  readonly date: string;
  /** Full API export of the sample (96 rows, 2025-08-22 00:00Z…23:45Z): serve it and let `where` cut the day. */
  readonly realtimeCsv: string;
  /** The consolidated export derived from the same rows (see `consolidatedRecordsFrom`). */
  readonly consolidatedCsv: string;
  /** Metrics of the Paris day from the real-time export alone. */
  readonly expectedRealtime: ExpectedHeadline;
  /** Metrics of the Paris day from both exports: consolidated on :00/:30, real time on :15/:45. */
  readonly expectedMerged: ExpectedHeadline;
}

/**
 * The Paris day 2025-08-22 from the 2025 sample. The sample is the UTC day, so the Paris day is
 * partial: 88 of 96 quarter-hours (2025-08-22T00:00Z…21:45Z; 00:00–02:00 local time is missing).
 * Figures checked by hand in test/unit/eco2mix-fixtures.test.ts.
 */
export function loadSampleDay(): SampleDay {
  const records = loadSampleRecords();
  const partial = { stepMinutes: 15, points: 88, expectedPoints: 96, completeness: 88 / 96 } as const;
  const peakAndMin = {
    peakMW: 47_586,
    peakAt: '2025-08-22T10:45:00.000Z',
    minMW: 32_789,
    minAt: '2025-08-22T02:00:00.000Z',
  } as const;
  return {
    date: '2025-08-22',
    realtimeCsv: apiRecordsToExportCsv(records),
    consolidatedCsv: apiRecordsToExportCsv(consolidatedRecordsFrom(records)),
    expectedRealtime: { source: 'realtime', ...partial, energyMWh: 900_794.25, ...peakAndMin },
    // 44 points on :00/:30 gain 100 MW × 0.25 h each: + 1 100 MWh. The real-time minimum (02:00Z)
    // is one of them, so the minimum moves to the real-time 02:45Z row; the peak (10:45Z) stays.
    expectedMerged: {
      source: 'mixed',
      ...partial,
      energyMWh: 901_894.25,
      ...peakAndMin,
      minMW: 32_844,
      minAt: '2025-08-22T02:45:00.000Z',
    },
  };
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

function labelRowToApiRecord(row: Record<string, string>): ApiRecord {
  const out: ApiRecord = {};
  for (const [label, value] of Object.entries(row)) {
    const column = LABEL_2021_TO_API[label];
    if (column === undefined) throw new TypeError(`unexpected column "${label}" in the 2021 label export`);
    out[column] = value === '' ? null : value;
  }
  return out;
}

export interface FullSampleDay {
  readonly date: string;
  /** API export of the 96 quarter-hours of the Paris day only (no rows of other days). */
  readonly realtimeCsv: string;
  readonly expectedRealtime: ExpectedHeadline;
}

/**
 * The Paris day 2021-12-15 (an ordinary winter Wednesday), fully covered: its 96 rows of the 2021
 * label export rewritten as an API export (machine header, UTC instants, BOM). Columns the 2021
 * export lacks (onshore/offshore wind, batteries) are empty. Figures checked by hand in
 * test/unit/eco2mix-fixtures.test.ts.
 */
export function loadFullSampleDay(): FullSampleDay {
  const date = '2021-12-15';
  const rows = parse<Record<string, string>>(readEco2mixFixture(ECO2MIX_FIXTURE_FILES.labels2021), {
    columns: true,
    delimiter: ';',
  });
  const day = rows.filter((row) => row['Date'] === date).map(labelRowToApiRecord);
  return {
    date,
    realtimeCsv: apiRecordsToExportCsv(day),
    expectedRealtime: {
      source: 'realtime',
      stepMinutes: 15,
      points: 96,
      expectedPoints: 96,
      completeness: 1,
      energyMWh: 1_657_710.75,
      peakMW: 76_740,
      peakAt: '2021-12-15T18:00:00.000Z',
      minMW: 57_873,
      minAt: '2021-12-15T03:30:00.000Z',
    },
  };
}

/**
 * A record for hand-written series: every measure null unless given, source `realtime`.
 * `instant` may carry an offset; it is stored as ISO-8601 UTC.
 */
export function eco2mixRecord(instant: string, values: Partial<Omit<Eco2mixRecord, 'instant'>> = {}): Eco2mixRecord {
  const measures = Object.fromEntries(ECO2MIX_MEASURES.map((name) => [name, null])) as Record<
    (typeof ECO2MIX_MEASURES)[number],
    null
  >;
  return {
    instant: new Date(instant).toISOString(),
    source: 'realtime',
    nature: null,
    ...measures,
    ...values,
  };
}
