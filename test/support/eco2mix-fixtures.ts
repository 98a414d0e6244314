/**
 * eCO2mix test inputs built from the real samples (test/fixtures/eco2mix and the demo's samples, each with its PROVENANCE.md):
 * the ODRÉ CSV export as `/exports/csv?use_labels=false&delimiter=;&timezone=UTC` returns it,
 * a consolidated export derived from real-time rows, and the expected headline metrics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { ECO2MIX_MEASURES, type Eco2mixRecord } from '../../src/datasets/eco2mix/record.js';
import {
  apiRecordsToExportCsv,
  asApiRecord,
  ECO2MIX_EXPORT_COLUMNS,
  instantOf,
  labelRowToApiRecord,
  type ApiRecord,
} from '../../src/datasets/eco2mix/export-csv.js';
import { DEMO_SAMPLES } from './samples.js';

export { apiRecordsToExportCsv, ECO2MIX_EXPORT_COLUMNS };

const FIXTURES = fileURLToPath(new URL('../fixtures/eco2mix/', import.meta.url));
/** The samples the demo serves, kept once in its folder. */
const IN_DEMO = new Map(
  [DEMO_SAMPLES.eco2mixRecords2025, DEMO_SAMPLES.eco2mixLabels2021].map((file) => [path.basename(file), file]),
);

export const ECO2MIX_FIXTURE_FILES = {
  records2025: 'ellebihan_odre_eco2mix-national-tr_records_2025-08-22.json',
  labels2021: 'mathis-grsst_odre_eco2mix-national-tr_export_labels_2021-12.csv',
  consDef2024: 'lifelongcompany_odre_eco2mix-national-cons-def_export_labels_2024-01_EXCERPT.csv',
} as const;

/** Path of a real eCO2mix sample by its file name: in the demo's samples, else in test/fixtures/eco2mix. */
export function eco2mixFixturePath(name: string): string {
  return IN_DEMO.get(name) ?? path.join(FIXTURES, name);
}

/** The file names of every real eCO2mix sample. */
export function eco2mixFixtureNames(): string[] {
  const fixtures = readdirSync(FIXTURES).filter((name) => name !== 'PROVENANCE.md');
  return [...fixtures, ...IN_DEMO.keys()].sort();
}

/** Text of a real eCO2mix sample by its file name. */
export function readEco2mixFixture(name: string): string {
  return readFileSync(eco2mixFixturePath(name), 'utf8');
}

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
