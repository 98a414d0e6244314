/**
 * The demo's source data: real eCO2mix samples shipped beside this file in `samples/` (provenance
 * in PROVENANCE.md there), served as the ODRÉ exports would serve them.
 */
import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { apiRecordsToExportCsv, labelRowToApiRecord } from '../export-csv.js';
import { ECO2MIX_SOURCES } from '../sources.js';

const SAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples');
const DECEMBER_2021_LABELS = 'mathis-grsst_odre_eco2mix-national-tr_export_labels_2021-12.csv';
const AUGUST_2025_RECORDS = 'ellebihan_odre_eco2mix-national-tr_records_2025-08-22.json';

/** Paris days the demo can run: every day of December 2021 (complete), and 2025-08-22 (88 of 96 points). */
export const DEMO_DAYS = {
  first: '2021-12-01',
  last: '2021-12-31',
  extra: '2025-08-22',
  default: '2021-12-15',
} as const;

export function isDemoDay(date: string): boolean {
  return (date >= DEMO_DAYS.first && date <= DEMO_DAYS.last) || date === DEMO_DAYS.extra;
}

/** Export CSV per ODRÉ dataset id: real-time rows from both samples; no consolidated rows. */
export async function loadDemoExports(): Promise<Record<string, string>> {
  const labels = z
    .array(z.record(z.string(), z.string()))
    .parse(parse(await readFile(path.join(SAMPLES, DECEMBER_2021_LABELS), 'utf8'), { columns: true, delimiter: ';' }));
  const records2025 = z
    .array(z.record(z.string(), z.unknown()))
    .parse(JSON.parse(await readFile(path.join(SAMPLES, AUGUST_2025_RECORDS), 'utf8')));
  const [realtime, consolidated] = ECO2MIX_SOURCES;
  return {
    [realtime.datasetId]: apiRecordsToExportCsv([...labels.map(labelRowToApiRecord), ...records2025]),
    [consolidated.datasetId]: apiRecordsToExportCsv([]),
  };
}
